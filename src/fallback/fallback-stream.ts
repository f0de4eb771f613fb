/**
 * The streaming half of FallbackModel. An attempt opens a stream and reads ahead to its first event:
 * anything that goes wrong before that (an error on open, an error thrown by the iterator, a stall past
 * the first-token deadline) is an ordinary failure and the next model is tried. Once the first event is
 * in hand the stream is committed: the caller gets a StreamedResponse that replays it and continues.
 * A failure after commit is thrown from the iterator — or, when asked, the next model continues the text.
 *
 * @example
 * const stream = await fallback.requestStream(messages);
 * for await (const event of stream) render(event);
 * stream.get().attempts; // every attempt, with usage and cost
 */
import type { ModelMessage, ModelResponse, ModelResponseStreamEvent } from '../core/messages.ts';
import { userPrompt } from '../core/messages.ts';
import type { Model, ModelRequestParameters, StreamedResponse } from '../core/model.ts';
import { ResponseStream } from '../core/response-stream.ts';
import { addUsage, emptyUsage, type RequestUsage } from '../core/usage.ts';
import type { AttemptEngine } from './engine/attempt-engine.ts';
import { type ChainOutcome, pricedUsage } from './engine/attempt-lifecycle.ts';
import type { AttemptRunner } from './engine/attempt-runner.ts';
import { AbortableWaits, type AttemptDeadline, untilAborted } from './engine/deadline.ts';

/** A stream read up to its first event (or, when buffering for a response check, to its end). */
export interface PrimedStream {
  stream: StreamedResponse;
  iterator: AsyncIterator<ModelResponseStreamEvent>;
  buffered: ModelResponseStreamEvent[];
  done: boolean;
}

/** Waits for the next event, or rejects with the attempt signal's reason (a deadline, the caller). */
function nextEvent(
  iterator: AsyncIterator<ModelResponseStreamEvent>,
  signal: AbortSignal,
): Promise<IteratorResult<ModelResponseStreamEvent>> {
  return untilAborted(iterator.next(), signal);
}

/** Opens a stream and reads ahead to the first event; with `bufferAll`, to the end (for response checks). */
export function streamRunner(
  messages: ModelMessage[],
  params: ModelRequestParameters | undefined,
  bufferAll: boolean,
): AttemptRunner<PrimedStream> {
  return {
    async start(model: Model, settings, deadline: AttemptDeadline): Promise<PrimedStream> {
      const stream = await model.requestStream(messages, settings, params);
      const iterator = stream[Symbol.asyncIterator]();
      const buffered: ModelResponseStreamEvent[] = [];
      try {
        for (;;) {
          const next = await nextEvent(iterator, deadline.signal);
          if (next.done) return { stream, iterator, buffered, done: true };
          if (buffered.length === 0) deadline.firstToken();
          else deadline.touch();
          buffered.push(next.value);
          if (!bufferAll) return { stream, iterator, buffered, done: false };
        }
      } catch (error) {
        stream.cancel(error);
        throw error;
      }
    },
    response: (primed) => (primed.done ? primed.stream.get() : undefined),
    release: (primed, reason) => primed.stream.cancel(reason),
  };
}

/** Called after a committed stream failed: resolves with the next model's stream, or rejects. */
export type ContinueStream = (
  partialText: string,
  failedIndex: number,
) => Promise<ChainOutcome<PrimedStream>>;

export interface Segment {
  outcome: ChainOutcome<PrimedStream>;
  /** Added to this segment's part indices so continuations follow the parts already sent. */
  indexOffset: number;
}

/** What a FallbackStream needs of its engine. */
export type StreamSettler = Pick<AttemptEngine, 'finishStream' | 'streamFailed'>;

/** The StreamedResponse a FallbackModel hands out: one committed attempt, plus any continuations. */
export class FallbackStream implements StreamedResponse {
  private readonly segments: Segment[];
  private readonly continueStream: ContinueStream | undefined;
  /** Settles each segment's attempt when it ends, and tells the breaker when one breaks. */
  private readonly engine: StreamSettler;
  private readonly callerSignal: AbortSignal | undefined;
  private iterated = false;

  constructor(init: {
    outcome: ChainOutcome<PrimedStream>;
    continueStream?: ContinueStream | undefined;
    engine: StreamSettler;
    callerSignal: AbortSignal | undefined;
  }) {
    this.segments = [{ outcome: init.outcome, indexOffset: 0 }];
    this.continueStream = init.continueStream;
    this.engine = init.engine;
    this.callerSignal = init.callerSignal;
  }

  private get current(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  get modelName(): string {
    return this.current.outcome.result.stream.modelName;
  }

  get providerName(): string {
    return this.current.outcome.result.stream.providerName;
  }

  get usage(): RequestUsage {
    let usage = emptyUsage();
    for (const segment of this.segments) {
      const stream = segment.outcome.result.stream;
      usage = addUsage(usage, pricedUsage(stream));
    }
    const rejectedCost = this.segments[0]!.outcome.rejectedCost;
    if (rejectedCost !== undefined) usage.cost = (usage.cost ?? 0) + rejectedCost;
    return usage;
  }

  get(): ModelResponse {
    const last = this.current.outcome.result.stream.get();
    const response: ModelResponse = {
      ...last,
      usage: this.usage,
      attempts: [...this.current.outcome.attempts],
    };
    if (this.segments.length > 1) {
      response.parts = this.segments.flatMap((segment) => segment.outcome.result.stream.get().parts);
    }
    return response;
  }

  cancel(reason?: unknown): void {
    const outcome = this.current.outcome;
    outcome.result.stream.cancel(reason);
    outcome.deadline.dispose();
  }

  /**
   * A hand-written iterator (`FallbackEvents`) rather than async generators: each event of a stream passes
   * through with one promise, where a generator over the segment's events and another over the segments
   * cost four per event, and a stream carries one event per token.
   */
  [Symbol.asyncIterator](): AsyncIterator<ModelResponseStreamEvent> {
    if (this.iterated) {
      const error = new Error('A StreamedResponse can be iterated only once; use get() to read it again.');
      return { next: () => Promise.reject(error) };
    }
    this.iterated = true;
    return new FallbackEvents(this, this.current);
  }

  /**
   * A committed segment failed: settles it, and resolves with the segment that continues it, or rejects
   * with what the caller sees — their own abort's reason, or the failure.
   */
  async segmentFailed(segment: Segment, error: unknown): Promise<Segment> {
    segment.outcome.deadline.dispose();
    if (this.callerSignal?.aborted) {
      this.finish(segment.outcome, 'cancelled');
      throw this.callerSignal.reason;
    }
    this.finish(segment.outcome, 'error', error);
    await this.engine.streamFailed(segment.outcome.index, error);
    const next = await this.continueAfter(segment);
    if (!next) throw error;
    this.segments.push(next);
    return next;
  }

  /** A segment's events ended cleanly: its attempt is settled as served. */
  segmentEnded(segment: Segment): void {
    this.finish(segment.outcome, 'ok');
  }

  /** The next model continuing the text already sent, when asked for and possible; else undefined. */
  private async continueAfter(segment: Segment): Promise<Segment | undefined> {
    if (!this.continueStream) return undefined;
    const partial = segment.outcome.result.stream.get();
    // Tool calls cannot be resumed half-way: their arguments would be two JSON fragments.
    if (partial.parts.some((part) => part.partKind === 'tool-call')) return undefined;
    const text = partial.parts.map((part) => (part.partKind === 'text' ? part.content : '')).join('');
    try {
      const outcome = await this.continueStream(text, segment.outcome.index);
      const indexOffset = segment.indexOffset + partial.parts.length;
      // Later attempts join the first segment's trace so get() shows the whole story.
      return {
        outcome: { ...outcome, attempts: [...segment.outcome.attempts, ...outcome.attempts] },
        indexOffset,
      };
    } catch {
      // The caller gets the original failure: it is what broke their stream.
      return undefined;
    }
  }

  private finish(outcome: ChainOutcome<PrimedStream>, result: 'ok' | 'error' | 'cancelled', error?: unknown) {
    if (result === 'ok') outcome.deadline.dispose();
    this.engine.finishStream(outcome.attempt, outcome.result.stream, result, error);
  }
}

const DONE: IteratorResult<ModelResponseStreamEvent> = { done: true, value: undefined };

/**
 * The events of a FallbackStream: each segment's buffered events replayed, then its iterator's, each
 * wait raced against the attempt's signal (`AbortableWaits`) and restarting its idle deadline; a failure
 * goes to the stream, which continues with the next model or rejects. However it stops — the end, a
 * failure, or the consumer's `return()` — the upstream of a stream not served to its end is cancelled.
 */
class FallbackEvents implements AsyncIterator<ModelResponseStreamEvent> {
  private readonly owner: FallbackStream;
  private segment: Segment;
  private replayed = 0;
  private waits: AbortableWaits | undefined;
  private finished = false;
  private closed = false;

  constructor(owner: FallbackStream, segment: Segment) {
    this.owner = owner;
    this.segment = segment;
  }

  next(): Promise<IteratorResult<ModelResponseStreamEvent>> {
    if (this.closed) return Promise.resolve(DONE);
    const { result, deadline } = this.segment.outcome;
    if (this.replayed < result.buffered.length) {
      return Promise.resolve({ done: false, value: this.placed(result.buffered[this.replayed++]!) });
    }
    if (result.done) return Promise.resolve(this.ended());
    // An adapter's stream that follows the attempt's signal ends on its abort by itself: no race needed.
    const stream = result.stream;
    if (stream instanceof ResponseStream && stream.follows === deadline.signal) {
      return result.iterator.next().then(this.onStep, this.onFailure);
    }
    this.waits ??= new AbortableWaits(deadline.signal);
    return this.waits.wait(result.iterator.next()).then(this.onStep, this.onFailure);
  }

  async return(): Promise<IteratorResult<ModelResponseStreamEvent>> {
    this.close();
    return DONE;
  }

  private readonly onStep = (
    step: IteratorResult<ModelResponseStreamEvent>,
  ): IteratorResult<ModelResponseStreamEvent> => {
    if (step.done) return this.ended();
    this.segment.outcome.deadline.touch();
    return { done: false, value: this.placed(step.value) };
  };

  private readonly onFailure = async (error: unknown): Promise<IteratorResult<ModelResponseStreamEvent>> => {
    this.waits?.dispose();
    this.waits = undefined;
    try {
      this.segment = await this.owner.segmentFailed(this.segment, error);
    } catch (failure) {
      this.close();
      throw failure;
    }
    this.replayed = 0;
    return this.next();
  };

  /** An event with its part index moved past the parts earlier segments sent. */
  private placed(event: ModelResponseStreamEvent): ModelResponseStreamEvent {
    const offset = this.segment.indexOffset;
    return offset === 0 ? event : { ...event, index: event.index + offset };
  }

  private ended(): IteratorResult<ModelResponseStreamEvent> {
    this.owner.segmentEnded(this.segment);
    this.finished = true;
    this.close();
    return DONE;
  }

  /** Stops for good; a stream not served to its end has its upstream cancelled. */
  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.waits?.dispose();
    this.waits = undefined;
    if (!this.finished) this.owner.cancel('stream closed before its end');
  }
}

/** The conversation to send a model that continues a broken stream from `partialText`. */
export function continuationMessages(messages: ModelMessage[], partialText: string): ModelMessage[] {
  return [
    ...messages,
    {
      kind: 'response',
      parts: [{ partKind: 'text', content: partialText }],
      usage: emptyUsage(),
      modelName: 'continuation',
      providerName: 'understudy',
      timestamp: new Date(),
    },
    {
      kind: 'request',
      parts: [
        userPrompt(
          'Your previous answer was cut off. Continue it exactly from where it stopped, without repeating anything.',
        ),
      ],
    },
  ];
}
