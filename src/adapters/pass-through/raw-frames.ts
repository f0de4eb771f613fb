/**
 * Keeps a pass-through stream's SSE frames beside the events read from them. A protocol reader adds each
 * frame as it reads it and passes its events through `attach`: the first event after one or more frames
 * carries them in `raw`, so frames that made no event (a `message_start`, a `ping`, a server tool's block)
 * travel with the next one, in order, and the frames after the last event are what `take` returns at the
 * end. The gateway writes `raw` instead of re-encoding the event.
 */
import type { ModelResponseStreamEvent } from '../../core/messages.ts';
import type { ResponseBuilder } from '../../core/response-builder.ts';
import type { SSEEvent } from '../../transport/sse.ts';

export class RawFrameTap {
  private pending = '';

  /**
   * Adds a frame as the upstream sent it. The text is rebuilt from its fields (`event:`, one `data:` line
   * per line, `id:`), which is what a provider sends; comments, which carry nothing, are not kept.
   */
  add(frame: SSEEvent): void {
    let text = frame.event === undefined ? '' : `event: ${frame.event}\n`;
    if (frame.id !== undefined) text += `id: ${frame.id}\n`;
    const data = frame.data;
    text +=
      data.indexOf('\n') === -1 ? `data: ${data}\n\n` : `data: ${data.split('\n').join('\ndata: ')}\n\n`;
    this.pending += text;
  }

  /** The events, the first of them carrying the frames added since the last one that carried any. */
  *attach(events: Iterable<ModelResponseStreamEvent>): Generator<ModelResponseStreamEvent> {
    for (const event of events) {
      if (this.pending !== '') {
        event.raw = this.pending;
        this.pending = '';
      }
      yield event;
    }
  }

  /** `attach` for a single event: it carries the frames added since the last one that carried any. */
  attachOne(event: ModelResponseStreamEvent): ModelResponseStreamEvent {
    if (this.pending !== '') {
      event.raw = this.pending;
      this.pending = '';
    }
    return event;
  }

  /** The frames no event has carried, cleared. */
  take(): string {
    const frames = this.pending;
    this.pending = '';
    return frames;
  }
}

/**
 * How a reader passes its events on: through the tap on a pass-through call, else as they are (no
 * generator layer on the path every translated stream takes).
 *
 * @example
 * const emit = eventsThrough(input.rawFrames);
 * yield* emit(builder.textDelta(index, text));
 */
export function eventsThrough(
  tap: RawFrameTap | undefined,
): (events: Iterable<ModelResponseStreamEvent>) => Iterable<ModelResponseStreamEvent> {
  return tap ? (events) => tap.attach(events) : (events) => events;
}

/**
 * The events that close a stream (`builder.endAll()`), and on a pass-through the frames no event carried
 * (the message's end) kept in the response as `raw`, for the gateway to write after them.
 *
 * @example
 * yield* closingEvents(builder, input.rawFrames);
 */
export function closingEvents(
  builder: ResponseBuilder,
  tap: RawFrameTap | undefined,
): Iterable<ModelResponseStreamEvent> {
  if (!tap) return builder.endAll();
  const last = [...tap.attach(builder.endAll())];
  builder.raw = tap.take();
  return last;
}
