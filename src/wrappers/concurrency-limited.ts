/**
 * Caps how many calls a model (or a group of models) has in flight: at most `limit` run at once, up to
 * `maxQueued` more wait in FIFO order, and past that a call fails at once with
 * `ConcurrencyLimitExceeded` instead of piling up. A stream holds its slot until it ends or is cancelled.
 *
 * @example
 * const limited = limitModelConcurrency(inferModel('openai:gpt-4o'), { limit: 4, maxQueued: 100 });
 * // one budget for two models behind the same key:
 * const shared = new ConcurrencyLimiter({ limit: 8 });
 * const a = limitModelConcurrency(inferModel('openai:gpt-4o'), shared);
 * const b = limitModelConcurrency(inferModel('openai:gpt-4o-mini'), shared);
 */
import { ModelAPIError, UserError } from '../core/errors/index.ts';
import type { ModelMessage, ModelResponse } from '../core/messages.ts';
import type { Model, ModelRequestParameters, ModelUpstream, StreamedResponse } from '../core/model.ts';
import type { ModelSettings } from '../core/settings.ts';
import { ObservedStream } from './observed-stream.ts';

/**
 * The queue was full. Its kind is `overloaded` and it is a `ModelAPIError`, so a FallbackModel over
 * limited models moves on to the next model rather than failing.
 */
export class ConcurrencyLimitExceeded extends ModelAPIError {
  override name = 'ConcurrencyLimitExceeded';

  constructor(modelName: string, limit: number, maxQueued: number) {
    super(
      modelName,
      `Concurrency limit reached for ${modelName}: ${limit} calls in flight and ${maxQueued} queued`,
      { kind: 'overloaded' },
    );
  }
}

export interface ConcurrencyLimiterOptions {
  /** Most calls in flight at once. */
  limit: number;
  /** Most calls waiting for a slot; default unbounded. */
  maxQueued?: number;
}

interface Waiter {
  grant: (release: () => void) => void;
}

/**
 * Slots for calls in flight with a bounded FIFO queue; share one between models to give them one budget.
 *
 * @example
 * const limiter = new ConcurrencyLimiter({ limit: 2, maxQueued: 10 });
 * const release = await limiter.acquire('my-model', signal);
 * try { await work(); } finally { release(); }
 */
export class ConcurrencyLimiter {
  readonly limit: number;
  readonly maxQueued: number;
  #running = 0;
  readonly #queue: Waiter[] = [];

  constructor({ limit, maxQueued = Number.POSITIVE_INFINITY }: ConcurrencyLimiterOptions) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new UserError(`limit must be a whole number ≥ 1, got ${limit}`);
    if (maxQueued < 0) throw new UserError(`maxQueued must be ≥ 0, got ${maxQueued}`);
    this.limit = limit;
    this.maxQueued = maxQueued;
  }

  /** Calls holding a slot now. */
  get running(): number {
    return this.#running;
  }

  /** Calls waiting for a slot now. */
  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * Resolves with a release function once a slot is free. Rejects with `ConcurrencyLimitExceeded` when
   * the queue is full, or with the signal's reason when it aborts while waiting (leaving the queue).
   */
  acquire(modelName: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#running < this.limit) {
      this.#running++;
      return Promise.resolve(this.#releaser());
    }
    if (this.#queue.length >= this.maxQueued) {
      return Promise.reject(new ConcurrencyLimitExceeded(modelName, this.limit, this.maxQueued));
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.#queue.indexOf(waiter);
        if (index !== -1) this.#queue.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the next waiter, so a newcomer cannot jump the queue.
      const next = this.#queue.shift();
      if (next) next.grant(this.#releaser());
      else this.#running--;
    };
  }
}

/** A model whose calls go through a ConcurrencyLimiter. Build it with `limitModelConcurrency`. */
export class ConcurrencyLimitedModel implements Model {
  readonly wrapped: Model;
  readonly limiter: ConcurrencyLimiter;

  constructor(wrapped: Model, limiter: ConcurrencyLimiter) {
    this.wrapped = wrapped;
    this.limiter = limiter;
  }

  get modelName(): string {
    return this.wrapped.modelName;
  }

  get system(): string {
    return this.wrapped.system;
  }

  /** The wrapped model's: wrapping a model does not make it another upstream, nor another breaker. */
  get provider(): ModelUpstream | undefined {
    return this.wrapped.provider;
  }

  get settings(): ModelSettings | undefined {
    return this.wrapped.settings;
  }

  async request(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<ModelResponse> {
    const release = await this.limiter.acquire(this.modelName, settings?.signal);
    try {
      return await this.wrapped.request(messages, settings, params);
    } finally {
      release();
    }
  }

  async requestStream(
    messages: ModelMessage[],
    settings?: ModelSettings,
    params?: ModelRequestParameters,
  ): Promise<StreamedResponse> {
    const release = await this.limiter.acquire(this.modelName, settings?.signal);
    let stream: StreamedResponse;
    try {
      stream = await this.wrapped.requestStream(messages, settings, params);
    } catch (error) {
      release();
      throw error;
    }
    // A stream that is never iterated nor cancelled keeps its slot: callers must do one or the other.
    return new ObservedStream(stream, { onEnd: release });
  }
}

/**
 * Wraps a model so at most `limit` of its calls run at once, with up to `maxQueued` waiting; pass a
 * `ConcurrencyLimiter` instead to share one budget between several models.
 *
 * @example
 * const model = limitModelConcurrency(inferModel('anthropic:claude-sonnet-4-5'), { limit: 5, maxQueued: 50 });
 */
export function limitModelConcurrency(
  model: Model,
  limits: ConcurrencyLimiterOptions | ConcurrencyLimiter,
): ConcurrencyLimitedModel {
  const limiter = limits instanceof ConcurrencyLimiter ? limits : new ConcurrencyLimiter(limits);
  return new ConcurrencyLimitedModel(model, limiter);
}
