/**
 * `streamGenerateContent?alt=sse` → stream events. Each SSE frame is one GenerateContentResponse; the
 * stream is complete once a chunk carries a finish reason (Gemini sends no `[DONE]`). Every other ending
 * throws: an error frame, a withheld answer, a malformed frame, a broken connection, or a body that just
 * stops.
 */
import { ModelAPIError } from '../../core/errors/index.ts';
import type { ModelResponseStreamEvent } from '../../core/messages.ts';
import { readSSE } from '../../transport/sse.ts';
import type { ProtocolStreamInput } from '../http-model.ts';
import { closingEvents, eventsThrough } from '../pass-through/raw-frames.ts';
import { type GenerateContentResponse, generateContentResponseSchema } from './api.ts';
import { answers, inBandError } from './errors.ts';
import { GoogleResponseReader } from './response-reader.ts';

/**
 * Parses one JSON text (a whole body, or one frame's data) as a GenerateContentResponse, throwing
 * `UnexpectedModelBehavior` when it is not one.
 *
 * @example
 * const chunk = parseGenerateContent('{"candidates":[]}', 'gemini-2.5-flash', false);
 */
export function parseGenerateContent(
  text: string,
  modelName: string,
  stream: boolean,
): GenerateContentResponse {
  const chunk = answers.parse(generateContentResponseSchema, text, stream ? 'stream' : 'body', modelName);
  if (chunk.error) throw inBandError({ kind: 'error-frame', error: chunk.error }, modelName);
  return chunk;
}

/**
 * Yields the events of one streamed response. Ends with `builder.endAll()` after the finish reason, or
 * throws.
 *
 * @example
 * const events = readStream({ body: opened.body, headers: opened.headers, builder, modelName: 'gemini-2.5-flash',
 *   mapReadFailure: opened.mapFailure });
 */
export async function* readStream(input: ProtocolStreamInput): AsyncGenerator<ModelResponseStreamEvent> {
  const { modelName } = input;
  const reader = new GoogleResponseReader(input.builder);
  const tap = input.rawFrames;
  const emit = eventsThrough(tap);
  try {
    for await (const frame of readSSE(input.body)) {
      tap?.add(frame);
      if (reader.finished) {
        // Nothing may follow the finish reason but a late usage update; anything else there is ignored.
        reader.consumeTrailer(frame.data);
        continue;
      }
      const chunk = parseGenerateContent(frame.data, modelName, true);
      for (const event of emit(reader.consume(chunk))) yield event;
      const withheld = reader.withheldError();
      if (withheld) throw withheld;
    }
  } catch (error) {
    // A connection lost after the finish reason took nothing from the answer; our own errors always count.
    if (!reader.finished || error instanceof ModelAPIError) throw input.mapReadFailure(error);
  }
  if (!reader.finished) throw inBandError({ kind: 'truncated' }, modelName);
  yield* closingEvents(reader.builder, tap);
}
