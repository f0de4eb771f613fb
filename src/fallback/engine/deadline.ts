/**
 * One deadline for the whole call, shared by every attempt, plus the per-attempt deadlines (first token,
 * idle gap). Each attempt gets one AbortSignal that fires on any of them or on the caller's signal. The
 * engine's own deadlines abort with a `ModelAPIError` of kind `timeout` as the *reason*, which the HTTP
 * client and local models surface as is, so a deadline reads as a timeout and a caller's abort as theirs.
 *
 * @example
 * const deadline = new CallDeadline(5_000);
 * const attempt = deadline.startAttempt('gpt-4o', callerSignal, { firstTokenMs: 2_000 });
 * await model.request(messages, { signal: attempt.signal });
 * attempt.dispose();
 */
import { ModelAPIError } from '../../core/errors/index.ts';

export class CallDeadline {
  /** Epoch ms at which the call must be over; Infinity without a deadline. */
  readonly endsAt: number;
  private readonly clock: () => number;

  constructor(timeoutMs: number | undefined, clock: () => number = Date.now) {
    this.clock = clock;
    this.endsAt = timeoutMs === undefined ? Number.POSITIVE_INFINITY : clock() + timeoutMs;
  }

  /** Milliseconds left (Infinity without a deadline, 0 once passed). */
  remainingMs(): number {
    return Math.max(0, this.endsAt - this.clock());
  }

  get expired(): boolean {
    return this.remainingMs() <= 0;
  }

  startAttempt(
    modelName: string,
    callerSignal: AbortSignal | undefined,
    limits: AttemptLimits = {},
  ): AttemptDeadline {
    return new AttemptDeadline(modelName, callerSignal, this.remainingMs(), limits);
  }
}

/** An attempt's own deadlines, and whether anything but its caller may abort it (a hedging loser). */
export interface AttemptLimits {
  firstTokenMs?: number | undefined;
  idleMs?: number | undefined;
  abortable?: boolean | undefined;
}

/**
 * The signal and timers of one attempt. Call `firstToken()` at the first content, `dispose()` at the end.
 * The attempt's signal is its own controller's, which the caller's abort aborts by hand (a listener that
 * `dispose()` removes) rather than through `AbortSignal.any`, whose composite signals cost more per call
 * than the whole attempt engine on the gateway's hot path.
 */
export class AttemptDeadline {
  readonly signal: AbortSignal;
  private readonly controller: AbortController | undefined;
  private readonly modelName: string;
  private readonly idleMs: number | undefined;
  private readonly callerSignal: AbortSignal | undefined;
  private callTimer: ReturnType<typeof setTimeout> | undefined;
  private firstTokenTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    modelName: string,
    callerSignal: AbortSignal | undefined,
    remainingMs: number,
    limits: AttemptLimits,
  ) {
    this.modelName = modelName;
    this.idleMs = limits.idleMs;
    // Nothing of its own to abort it (no timer, not hedged): the attempt runs under its caller's signal,
    // which is then the one signal from the client's socket down to the upstream's.
    if (
      callerSignal &&
      !limits.abortable &&
      !Number.isFinite(remainingMs) &&
      limits.firstTokenMs === undefined &&
      limits.idleMs === undefined
    ) {
      this.signal = callerSignal;
      return;
    }
    this.controller = new AbortController();
    this.signal = this.controller.signal;
    if (callerSignal?.aborted) this.controller.abort(callerSignal.reason);
    else if (callerSignal) {
      this.callerSignal = callerSignal;
      callerSignal.addEventListener('abort', this.onCallerAbort, { once: true });
    }
    if (Number.isFinite(remainingMs)) {
      this.callTimer = setTimeout(() => this.expire(`the call's deadline passed`), remainingMs);
    }
    if (limits.firstTokenMs !== undefined) {
      this.firstTokenTimer = setTimeout(
        () => this.expire(`no first token within ${limits.firstTokenMs} ms`),
        limits.firstTokenMs,
      );
    }
  }

  /** The first content arrived: the first-token deadline is met and the idle deadline starts. */
  firstToken(): void {
    clearTimeout(this.firstTokenTimer);
    this.firstTokenTimer = undefined;
    this.touch();
  }

  /** A stream event arrived: restarts the idle deadline. */
  touch(): void {
    if (this.idleMs === undefined) return;
    clearTimeout(this.idleTimer);
    const idleMs = this.idleMs;
    this.idleTimer = setTimeout(() => this.expire(`no stream event for ${idleMs} ms`), idleMs);
  }

  /** Aborts the attempt with `reason` (a hedging loser); only an attempt started `abortable` can be. */
  abort(reason: unknown): void {
    if (!this.controller)
      throw new Error(
        "An attempt not started abortable shares its caller's signal; start it with abortable: true to abort it alone.",
      );
    this.controller.abort(reason);
    this.dispose();
  }

  /**
   * Stops the timers and unlinks the caller's signal: the attempt is over (answered, failed, or its
   * stream ended), so nothing of it stays reachable from a long-lived caller signal.
   */
  dispose(): void {
    if (this.callTimer !== undefined) clearTimeout(this.callTimer);
    if (this.firstTokenTimer !== undefined) clearTimeout(this.firstTokenTimer);
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.callTimer = this.firstTokenTimer = this.idleTimer = undefined;
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  private readonly onCallerAbort = (): void => {
    this.controller?.abort(this.callerSignal?.reason);
    this.dispose();
  };

  private expire(why: string): void {
    this.controller?.abort(
      new ModelAPIError(this.modelName, `${this.modelName}: ${why}`, { kind: 'timeout' }),
    );
    this.dispose();
  }
}

/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it aborts — so a model that
 * ignores its signal cannot hold an attempt past its deadline.
 *
 * @example
 * const response = await untilAborted(model.request(messages, { signal }), signal);
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * `untilAborted` for many waits in a row on one signal, such as a stream's events: one abort listener for
 * them all instead of one added and removed per wait, which cost more than the rest of an event's trip
 * through the fallback layer. Call `dispose()` when done.
 *
 * @example
 * const waits = new AbortableWaits(signal);
 * try { for (let next = await waits.wait(it.next()); !next.done; next = await waits.wait(it.next())) use(next.value); }
 * finally { waits.dispose(); }
 */
export class AbortableWaits {
  private readonly signal: AbortSignal;
  private pending: Promise<unknown> | undefined;
  private rejectPending: ((reason: unknown) => void) | undefined;

  constructor(signal: AbortSignal) {
    this.signal = signal;
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
  wait<T>(promise: Promise<T>): Promise<T> {
    if (this.signal.aborted) {
      promise.catch(() => {});
      return Promise.reject(this.signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      // Rejecting a wait that has already settled does nothing, so these need no clearing.
      this.pending = promise;
      this.rejectPending = reject;
      promise.then(resolve, reject);
    });
  }

  dispose(): void {
    this.signal.removeEventListener('abort', this.onAbort);
  }

  private readonly onAbort = (): void => {
    this.pending?.catch(() => {});
    this.rejectPending?.(this.signal.reason);
  };
}
