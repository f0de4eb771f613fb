/**
 * The StreamedResponse every adapter returns: it wraps the adapter's event generator, exposes the
 * response assembled so far, and cancels the upstream call when asked or when the consumer stops early.
 */
import { UserError } from '../errors/index.ts';
import type { ModelResponse, ModelResponseStreamEvent } from '../messages.ts';
import type { RequestUsage } from '../usage.ts';
import type { StreamedResponse } from './model.ts';
import type { ResponseBuilder } from './response-builder.ts';

export class ResponseStream implements StreamedResponse {
  private readonly builder: ResponseBuilder;
  private readonly events: AsyncGenerator<ModelResponseStreamEvent>;
  private readonly abort: AbortController;
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
  ) {
    this.builder = builder;
    this.events = events;
    this.abort = abort;
  }

  get modelName(): string {
    return this.builder.modelName;
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

  async *[Symbol.asyncIterator](): AsyncIterator<ModelResponseStreamEvent> {
    if (this.iterated)
      throw new UserError('A StreamedResponse can be iterated only once; use get() to read it again.');
    this.iterated = true;
    let finished = false;
    try {
      yield* this.events;
      finished = true;
    } finally {
      // A consumer that breaks out early must not leave the upstream connection streaming into nowhere.
      if (!finished) this.abort.abort();
    }
  }
}
