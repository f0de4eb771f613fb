/**
 * The StreamedResponse every adapter returns: it wraps the adapter's event generator, exposes the
 * response assembled so far, and cancels the upstream call when asked or when the consumer stops early.
 */
import { UserError } from './errors/index.ts';
import type { ModelResponse, ModelResponseStreamEvent } from './messages.ts';
import type { StreamedResponse } from './model.ts';
import type { ResponseBuilder } from './response-builder.ts';
import type { RequestUsage } from './usage.ts';

/** What the HTTP adapters add to a stream: their failure mapping, and a hook for when it is over. */
export interface StreamCall {
  /** Turns what the event generator threw into the error the caller sees (a deadline, a cut). */
  mapFailure?: (error: unknown) => unknown;
  /** Runs once when the events end, fail or are abandoned: releases the call's timers and listeners. */
  onEnd?: () => void;
  /**
   * The caller's signal the call is linked to, when its abort is sure to end the events at once (the
   * upstream connection closes, the pending read rejects): a consumer that would race each read
   * against that same signal need not.
   */
  follows?: AbortSignal | undefined;
}

export class ResponseStream implements StreamedResponse {
  private readonly builder: ResponseBuilder;
  private readonly events: AsyncGenerator<ModelResponseStreamEvent>;
  private readonly abort: AbortController;
  private readonly call: StreamCall;
  private iterated = false;

  /**
   * @param events the adapter's generator; it must end by yielding `builder.endAll()` after setting the
   *   finish reason, or throw.
   * @param abort aborting it closes the upstream connection.
   */
  constructor(
    builder: ResponseBuilder,
    events: AsyncGenerator<ModelResponseStreamEvent>,
    abort: AbortController,
    call: StreamCall = {},
  ) {
    this.builder = builder;
    this.events = events;
    this.abort = abort;
    this.call = call;
  }

  get modelName(): string {
    return this.builder.modelName;
  }

  /** See `StreamCall.follows`. */
  get follows(): AbortSignal | undefined {
    return this.call.follows;
  }

  get providerName(): string {
    return this.builder.providerName;
  }

  get usage(): RequestUsage {
    return this.builder.usage;
  }

  get(): ModelResponse {
    return this.builder.snapshot();
  }

  cancel(reason?: unknown): void {
    this.abort.abort(reason);
    void this.events.return(undefined).catch(() => {});
  }

  /**
   * A hand-written iterator rather than an async generator wrapping the adapter's: each event passes
   * straight through, where every generator layer costs two promises per event, and a stream carries
   * one event per token.
   */
  [Symbol.asyncIterator](): AsyncIterator<ModelResponseStreamEvent> {
    if (this.iterated) {
      const error = new UserError(
        'A StreamedResponse can be iterated only once; use get() to read it again.',
      );
      return { next: () => Promise.reject(error) };
    }
    this.iterated = true;
    return new PassThroughEvents(this.events, this.abort, this.call);
  }
}

class PassThroughEvents implements AsyncIterator<ModelResponseStreamEvent> {
  private readonly events: AsyncGenerator<ModelResponseStreamEvent>;
  private readonly abort: AbortController;
  private readonly call: StreamCall;
  private ended = false;

  constructor(events: AsyncGenerator<ModelResponseStreamEvent>, abort: AbortController, call: StreamCall) {
    this.events = events;
    this.abort = abort;
    this.call = call;
  }

  next(): Promise<IteratorResult<ModelResponseStreamEvent>> {
    return this.events.next().then(this.onStep, this.onFailure);
  }

  /** The consumer stopped early: close the adapter's generator, then the upstream connection. */
  async return(): Promise<IteratorResult<ModelResponseStreamEvent>> {
    const finished = this.ended;
    try {
      await this.events.return(undefined);
    } finally {
      this.end();
      // A consumer that breaks out early must not leave the upstream connection streaming into nowhere.
      if (!finished) this.abort.abort();
    }
    return { done: true, value: undefined };
  }

  private readonly onStep = (
    step: IteratorResult<ModelResponseStreamEvent>,
  ): IteratorResult<ModelResponseStreamEvent> => {
    if (step.done) this.end();
    return step;
  };

  /** The events failed: the error as the caller should see it, and the upstream connection closed. */
  private readonly onFailure = (error: unknown): never => {
    const failure = this.call.mapFailure ? this.call.mapFailure(error) : error;
    this.end();
    this.abort.abort();
    throw failure;
  };

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.call.onEnd?.();
  }
}
