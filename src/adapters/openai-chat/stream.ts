/**
 * Reads a Chat Completions SSE body into stream events. The stream ends in exactly one of two ways: the
 * `[DONE]` marker (then every open part is closed and the finish reason is set), or a thrown error — an
 * error frame, a malformed frame, a body cut short, a broken connection. It never just stops.
 */

import type { ModelResponseStreamEvent } from '../../core/messages.ts';
import type { StreamReaderInput } from '../../transport/http-call.ts';
import { finishAfterEndMarker, readSSE, type SSEEvent, type SSEFrames } from '../../transport/sse.ts';
import { bodyText } from '../body-text.ts';
import type { ProtocolStreamInput } from '../http-model.ts';
import { errorField, jsonInsteadOfStream } from '../in-band-errors.ts';
import { closingEvents, eventsThrough, type RawFrameTap } from '../pass-through/raw-frames.ts';
import { type ChatCompletionChunk, chatCompletionChunkSchema } from './api.ts';
import { answers, inBandError, STREAM_END_MARKER } from './errors.ts';
import { plainTextDelta } from './plain-text-delta.ts';
import { applyDelta, applyEnvelope, applyFinishReason, mapUsage, newDeltaState } from './response-parts.ts';
import { isChatCompletionChunk } from './shape-check.ts';

/**
 * Yields the events of one streamed response.
 *
 * @example
 * const events = readStream({ body: opened.body, headers: opened.headers, builder, modelName: 'gpt-4o',
 *   mapReadFailure: opened.mapFailure });
 * return opened.respond(builder, events);
 */
export function readStream(input: ProtocolStreamInput): AsyncGenerator<ModelResponseStreamEvent> {
  return new ChatStreamReader(input);
}

type StreamEvent = ModelResponseStreamEvent;
const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The reader, written out as an iterator rather than an async generator: the frames a chunk brought are
 * taken from the SSE reader without waiting (`SSEFrames.take`) and turned into events at once, so a token
 * costs one resolved promise instead of a generator's resume and the SSE reader's promise. It behaves as
 * the generator did: events in frame order, each frame read only once the events before it were taken;
 * `return()` before the end closes the body; a failure while reading goes through `mapReadFailure`.
 */
class ChatStreamReader implements AsyncGenerator<StreamEvent> {
  private readonly input: ProtocolStreamInput;
  private readonly tap: RawFrameTap | undefined;
  private readonly emit: (events: Iterable<StreamEvent>) => Iterable<StreamEvent>;
  private readonly state = newDeltaState();
  private frames: SSEFrames | undefined;
  /** Events made from the frames read so far and not handed out yet; `head` is the next one. */
  private readonly out: StreamEvent[] = [];
  private head = 0;
  /** The end marker was read: the closing events are in `out`, and the body is left to end by itself. */
  private ended = false;
  /** The body ended or failed: there is nothing to close. */
  private exhausted = false;
  /** Nothing more comes: ended and handed out, failed, or returned. */
  private closed = false;
  /** A call waiting for the body; a call made meanwhile waits behind it, as a generator's would. */
  private busy: Promise<IteratorResult<StreamEvent>> | undefined;

  constructor(input: ProtocolStreamInput) {
    this.input = input;
    this.tap = input.rawFrames;
    this.emit = eventsThrough(input.rawFrames);
  }

  next(): Promise<IteratorResult<StreamEvent>> {
    if (this.busy !== undefined) return this.busy.then(() => this.next());
    if (this.frames !== undefined && !this.closed) {
      let made: IteratorResult<StreamEvent> | undefined;
      try {
        made = this.fromQueued();
      } catch (error) {
        return Promise.reject(this.failed(error));
      }
      if (made !== undefined) return Promise.resolve(made);
    } else if (this.closed) return Promise.resolve(DONE);
    const run = this.read();
    this.busy = run;
    const idle = (): void => {
      if (this.busy === run) this.busy = undefined;
    };
    run.then(idle, idle);
    return run;
  }

  async return(): Promise<IteratorResult<StreamEvent>> {
    if (this.closed) return DONE;
    this.closed = true;
    this.out.length = 0;
    this.head = 0;
    // Stopped early by our consumer (a cancel, a break): close the body, as leaving `for await` did.
    if (this.frames !== undefined && !this.ended && !this.exhausted) await this.frames.return(undefined);
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<StreamEvent>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  /** The next event from what is in hand (events made, frames parsed), or undefined: wait for the body. */
  private fromQueued(): IteratorResult<StreamEvent> | undefined {
    const frames = this.frames!;
    while (this.head === this.out.length && !this.ended) {
      const frame = frames.take();
      if (frame === undefined) return undefined;
      this.out.length = 0;
      this.head = 0;
      this.feed(frame);
    }
    if (this.head < this.out.length) return { done: false, value: this.out[this.head++]! };
    this.closed = true;
    return DONE;
  }

  private async read(): Promise<IteratorResult<StreamEvent>> {
    if (this.frames === undefined) {
      if (this.input.headers['content-type']?.startsWith('application/json')) {
        this.closed = true;
        throw await jsonBodyError(this.input);
      }
      // Frames are pulled by hand, not with `for await`: leaving that loop at the end marker would close a
      // body whose last bytes are still to be read, which costs far more than letting it finish.
      this.frames = readSSE(this.input.body);
    }
    try {
      for (;;) {
        const made = this.fromQueued();
        if (made !== undefined) return made;
        const step = await this.frames.next();
        if (this.closed) return DONE;
        if (step.done) {
          this.exhausted = true;
          this.closed = true;
          break;
        }
        this.out.length = 0;
        this.head = 0;
        this.feed(step.value);
      }
    } catch (error) {
      throw this.failed(error);
    }
    throw inBandError({ kind: 'truncated' }, this.input.modelName);
  }

  /** A failure while reading, as the caller sees it; the reader is closed (a generator that threw is). */
  private failed(error: unknown): unknown {
    this.exhausted = true;
    this.closed = true;
    return this.input.mapReadFailure(error);
  }

  /** Turns one frame into its events, appended to `out`; at the end marker, the closing events. */
  private feed(frame: SSEEvent): void {
    const { builder, modelName } = this.input;
    const tap = this.tap;
    const out = this.out;
    tap?.add(frame);
    if (frame.data === STREAM_END_MARKER) {
      this.ended = true;
      finishAfterEndMarker(this.frames!, this.input.body);
      for (const event of closingEvents(builder, tap)) out.push(event);
      return;
    }
    // A pass-through writes the frame as it came: the usual token frame needs only its text scanned
    // (the first frame, which sets the response id, is always read in full).
    if (tap && builder.providerResponseId !== undefined && frame.event === undefined) {
      const text = scannedText(frame.data, modelName);
      if (text !== undefined) {
        const appended = text === '' ? undefined : builder.appendText('text', text);
        if (appended) out.push(tap.attachOne(appended));
        else if (text) for (const event of tap.attach(builder.textDelta('text', text))) out.push(event);
        return;
      }
    }
    const chunk = parseFrame(frame.data, frame.event, modelName);
    applyEnvelope(builder, chunk);
    const usage = chunk.usage ?? chunk.x_groq?.usage;
    if (usage) builder.usage = mapUsage(usage);
    for (const choice of chunk.choices ?? []) {
      // Only the first choice is ours: we never ask for `n` > 1.
      if ((choice.index ?? 0) !== 0) continue;
      if (choice.delta)
        for (const event of this.emit(applyDelta(builder, choice.delta, this.state))) out.push(event);
      applyFinishReason(builder, choice.finish_reason);
    }
  }
}

function scannedText(data: string, modelName: string): string | undefined {
  try {
    return plainTextDelta(data);
  } catch (cause) {
    throw inBandError({ kind: 'malformed', where: 'stream', text: data, cause }, modelName);
  }
}

function parseFrame(data: string, event: string | undefined, modelName: string): ChatCompletionChunk {
  const json = answers.json(data, 'stream', modelName);
  const error = errorField(json);
  if (error !== undefined || event === 'error') {
    throw inBandError({ kind: 'error-object', error: error ?? json }, modelName);
  }
  if (isChatCompletionChunk(json)) return json;
  const parsed = chatCompletionChunkSchema.safeParse(json);
  if (!parsed.success) {
    throw inBandError({ kind: 'malformed', where: 'stream', text: data, cause: parsed.error }, modelName);
  }
  return parsed.data;
}

async function jsonBodyError(input: StreamReaderInput): Promise<unknown> {
  let text: string;
  try {
    text = await bodyText(input.body);
  } catch (error) {
    return input.mapReadFailure(error);
  }
  return inBandError(jsonInsteadOfStream(text), input.modelName);
}
