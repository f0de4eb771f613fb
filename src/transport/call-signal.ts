/**
 * The signal one adapter call runs under, and the one place that call's failures are mapped to what the
 * caller sees. It lives beside `transportError` because it is the same job one level up: the client maps
 * what the socket did, this maps whose abort it was.
 */
import { ModelAPIError } from '../core/errors/index.ts';
import type { ModelSettings } from '../core/settings.ts';
import { transportError } from './client.ts';

/**
 * How an adapter words its timeout error; the kind is always `timeout`.
 *
 * @example
 * const options: CallSignalOptions = { timeoutMessage: (ms) => `Gemini call timed out after ${ms} ms` };
 */
export interface CallSignalOptions {
  /** The message of the deadline's error; by default `<model>: no answer within the <ms> ms timeout`. */
  timeoutMessage?: (timeoutMs: number) => string;
}

/**
 * Combines the caller's `settings.signal`, the call's own `controller` (a stream's `cancel()`, an early
 * `break`) and, for a bare adapter given `settings.timeout`, a deadline. `mapFailure` turns whatever the
 * call threw into what the caller sees: the caller's abort keeps the caller's reason; an error that is
 * already a `ModelAPIError` stays as it is (a provider error that came before the deadline is still that
 * error); the deadline becomes a `ModelAPIError` of kind `timeout`; anything else goes through
 * `transportError`. Mapping twice gives the same answer, so a stream reader and the stream around it may
 * both apply it. `dispose()` clears the deadline's timer: unlike `AbortSignal.timeout`, a finished call
 * leaves nothing behind.
 *
 * @example
 * const call = new CallSignal('gpt-5', { timeout: 5_000, signal });
 * try { return await postJson({ ...upstream, signal: call.signal }); }
 * catch (error) { throw call.mapFailure(error); }
 * finally { call.dispose(); }
 */
export class CallSignal {
  /**
   * Aborts when the caller, the controller or the deadline does; pass it to `postJson`. It is the
   * controller's own signal, which the caller's abort and the deadline's timer abort by hand: linking
   * them through `AbortSignal.any` cost more per call than the rest of this class (a composite signal
   * tracks its sources through weak references, and every listener added to it walks them).
   */
  readonly signal: AbortSignal;
  private readonly modelName: string;
  private readonly callerSignal: AbortSignal | undefined;
  private readonly timeoutMs: number | undefined;
  private readonly timeoutMessage: ((timeoutMs: number) => string) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timedOut = false;
  private linked = false;
  private readonly own: AbortController | undefined;

  /**
   * `cancellable: false` is for a call nothing but its caller cancels (a whole answer, not a stream):
   * without a deadline it then runs under the caller's own signal — no controller, no listener linking
   * the two — since the caller's abort is all that could end it. The gateway's request path saves a
   * controller and two listener pairs per request that way.
   */
  constructor(
    modelName: string,
    settings: Pick<ModelSettings, 'signal' | 'timeout'>,
    options: CallSignalOptions = {},
    cancellable = true,
  ) {
    this.modelName = modelName;
    this.callerSignal = settings.signal;
    this.timeoutMs = settings.timeout;
    this.timeoutMessage = options.timeoutMessage;
    const caller = settings.signal;
    if (!cancellable && caller && settings.timeout === undefined) {
      this.signal = caller;
      return;
    }
    this.own = new AbortController();
    this.signal = this.own.signal;
    if (caller?.aborted) {
      this.controller.abort(caller.reason);
      return;
    }
    if (caller) caller.addEventListener('abort', this.onCallerAbort, { once: true });
    if (settings.timeout !== undefined) {
      this.timer = setTimeout(this.onDeadline, settings.timeout);
      // A stream nobody reads must not hold the process open; a live socket does that while it matters.
      this.timer.unref?.();
    }
    if (caller || this.timer !== undefined) {
      // Once anything aborted the call, the links have nothing left to do: a stream cancelled before its
      // first read would otherwise keep its timer, and its listener on a long-lived caller signal.
      this.signal.addEventListener('abort', this.onAbort, { once: true });
      this.linked = true;
    }
  }

  /** The call's own abort: aborting it closes the upstream connection. Only a cancellable call has one. */
  get controller(): AbortController {
    if (!this.own)
      throw new Error(
        'A call made with cancellable: false has no controller; construct it cancellable to cancel it.',
      );
    return this.own;
  }

  private readonly onCallerAbort = (): void => this.controller.abort(this.callerSignal?.reason);

  private readonly onDeadline = (): void => {
    this.timer = undefined;
    this.timedOut = true;
    this.controller.abort(new DOMException('deadline exceeded', 'TimeoutError'));
  };

  private readonly onAbort = (): void => this.dispose();

  /** Maps a failure of this call (HTTP, transport, in-band, abort, deadline) to the error the caller sees. */
  mapFailure = (error: unknown): unknown => {
    // The caller's abort is the caller's decision: hand its reason back untouched.
    if (this.callerSignal?.aborted) return this.callerSignal.reason;
    if (error instanceof ModelAPIError) return error;
    if (this.timedOut) {
      const ms = this.timeoutMs ?? 0;
      const message = this.timeoutMessage?.(ms) ?? `${this.modelName}: no answer within the ${ms} ms timeout`;
      return new ModelAPIError(this.modelName, message, { kind: 'timeout', cause: error });
    }
    return transportError(error, this.modelName, this.signal);
  };

  /**
   * Stops the deadline's timer and unlinks the caller's signal; call it once the call has finished,
   * however it finished. A finished call leaves nothing behind: no timer, and no listener that would
   * keep it reachable from a long-lived caller signal.
   */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.linked) return;
    this.linked = false;
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    this.signal.removeEventListener('abort', this.onAbort);
  }
}
