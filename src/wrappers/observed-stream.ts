/**
 * A StreamedResponse that forwards every event of another and reports, exactly once, how it ended:
 * finished, failed, or stopped (cancelled, or the consumer broke out early). Wrappers use it to hold a
 * resource (a concurrency slot, a tracing span) for precisely the life of a stream.
 *
 * @example
 * const stream = new ObservedStream(await inner.requestStream(messages), {
 *   onEnd: (outcome) => console.log(outcome.kind), // 'finished' | 'failed' | 'stopped'
 * });
 */
import type { ModelResponse, ModelResponseStreamEvent } from '../core/messages.ts';
import type { StreamedResponse } from '../core/model.ts';
import type { RequestUsage } from '../core/usage.ts';

/** How a stream ended. */
export type StreamOutcome =
  | { kind: 'finished' }
  | { kind: 'failed'; error: unknown }
  | { kind: 'stopped'; reason?: unknown };

export interface StreamObserver {
  /** Called for each event before it is passed on. */
  onEvent?(event: ModelResponseStreamEvent): void;
  /** Called once, when the stream ends in any way. */
  onEnd(outcome: StreamOutcome): void;
}

export class ObservedStream implements StreamedResponse {
  readonly #inner: StreamedResponse;
  readonly #observer: StreamObserver;
  #ended = false;

  constructor(inner: StreamedResponse, observer: StreamObserver) {
    this.#inner = inner;
    this.#observer = observer;
  }

  get modelName(): string {
    return this.#inner.modelName;
  }

  get providerName(): string {
    return this.#inner.providerName;
  }

  get usage(): RequestUsage {
    return this.#inner.usage;
  }

  get(): ModelResponse {
    return this.#inner.get();
  }

  cancel(reason?: unknown): void {
    this.#inner.cancel(reason);
    this.#end({ kind: 'stopped', reason });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ModelResponseStreamEvent> {
    let outcome: StreamOutcome = { kind: 'stopped' };
    try {
      for await (const event of this.#inner) {
        this.#observer.onEvent?.(event);
        yield event;
      }
      outcome = { kind: 'finished' };
    } catch (error) {
      outcome = { kind: 'failed', error };
      throw error;
    } finally {
      this.#end(outcome);
    }
  }

  #end(outcome: StreamOutcome): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#observer.onEnd(outcome);
  }
}
