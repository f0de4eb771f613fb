/**
 * Reads a `converse-stream` body into stream events. The stream ends in exactly one of two ways:
 * `messageStop` (then `metadata` brings usage, every open part is closed and the finish reason is set), or
 * a thrown error — an exception frame, a corrupt frame, a body cut short, a broken connection.
 */
import type { ModelResponseStreamEvent } from '../../core/messages.ts';
import type { StreamReaderInput } from '../../transport/http-call.ts';
import { streamPayloadSchema } from './api.ts';
import { answers, inBandError, REQUEST_ID_HEADER } from './errors.ts';
import { EventStreamFormatError, type EventStreamFrame, readEventStream } from './event-stream.ts';
import { applyStopReason, blockDelta, mapUsage, startBlock, stopBlock } from './response-parts.ts';

/**
 * Yields the events of one streamed Converse response.
 *
 * @example
 * const events = readStream({ body: opened.body, headers: opened.headers, builder, modelName,
 *   mapReadFailure: opened.mapFailure });
 * return opened.respond(builder, events);
 */
export async function* readStream(input: StreamReaderInput): AsyncGenerator<ModelResponseStreamEvent> {
  const { builder, modelName } = input;
  const requestId = input.headers[REQUEST_ID_HEADER];
  if (requestId) builder.providerResponseId = requestId;
  let stopped = false;
  try {
    const frames = readEventStream(input.body);
    for (;;) {
      let next: IteratorResult<EventStreamFrame>;
      try {
        next = await frames.next();
      } catch (cause) {
        // The codec's own complaint (bad CRC, a frame cut short) is the provider's fault; a socket error is not.
        if (cause instanceof EventStreamFormatError) {
          throw inBandError({ kind: 'malformed', where: 'stream', text: cause.message, cause }, modelName);
        }
        throw cause;
      }
      if (next.done) break;
      const frame = next.value;
      if (frame.messageType !== 'event') {
        const message = frame.messageType === 'error' ? frame.body : messageOf(frame.body);
        throw inBandError({ kind: 'exception', errorType: frame.type, message }, modelName);
      }
      const payload = answers.parse(streamPayloadSchema, frame.body, 'stream', modelName);
      const index = payload.contentBlockIndex ?? 0;
      switch (frame.type) {
        case 'contentBlockStart':
          if (payload.start) yield* startBlock(builder, index, payload.start);
          break;
        case 'contentBlockDelta':
          if (payload.delta) yield* blockDelta(builder, index, payload.delta);
          break;
        case 'contentBlockStop':
          yield* stopBlock(builder, index);
          break;
        case 'messageStop':
          applyStopReason(builder, payload.stopReason);
          stopped = true;
          break;
        case 'metadata':
          if (payload.usage) builder.usage = mapUsage(payload.usage);
          break;
      }
    }
  } catch (error) {
    throw input.mapReadFailure(error);
  }
  if (!stopped) throw inBandError({ kind: 'truncated' }, modelName);
  yield* builder.endAll();
}

function messageOf(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown } | null)?.message;
    if (typeof message === 'string') return message;
  } catch {}
  return body;
}
