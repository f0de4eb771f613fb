/**
 * Reads a Responses SSE body into stream events. The stream ends in exactly one of two ways: an end
 * event (`response.completed` or `response.incomplete`: every open part is closed and the finish reason
 * set), or a thrown error — `response.failed`, an `error` event, a malformed event, a body cut short, a
 * broken connection. It never just stops.
 */

import type { ModelResponseStreamEvent } from '../../core/messages.ts';
import { finishAfterEndMarker, readSSE } from '../../transport/sse.ts';
import { bodyText } from '../body-text.ts';
import type { ProtocolStreamInput } from '../http-model.ts';
import { jsonInsteadOfStream } from '../in-band-errors.ts';
import { closingEvents, eventsThrough } from '../pass-through/raw-frames.ts';
import { streamEventSchema } from './api.ts';
import { answers, inBandError } from './errors.ts';
import {
  applyResponse,
  argumentsDelta,
  closeItem,
  newItemState,
  openItem,
  summaryDelta,
  textDelta,
} from './response-items.ts';

/**
 * Yields the events of one streamed response.
 *
 * @example
 * const events = readStream({ body: opened.body, headers: opened.headers, builder, modelName: 'gpt-5',
 *   mapReadFailure: opened.mapFailure });
 * return opened.respond(builder, events);
 */
export async function* readStream(input: ProtocolStreamInput): AsyncGenerator<ModelResponseStreamEvent> {
  const { builder, modelName } = input;
  const tap = input.rawFrames;
  const emit = eventsThrough(tap);
  const state = newItemState();
  let ended = false;
  try {
    if (input.headers['content-type']?.startsWith('application/json')) {
      throw inBandError(jsonInsteadOfStream(await bodyText(input.body)), modelName);
    }
    // Pulled by hand, not with `for await`: leaving that loop at the end event would destroy a body whose
    // last bytes are still to come, which costs far more than letting it end (see sse.ts).
    const frames = readSSE(input.body);
    for (let step = await frames.next(); !step.done; step = await frames.next()) {
      const frame = step.value;
      tap?.add(frame);
      const event = answers.parse(streamEventSchema, frame.data, 'stream', modelName);
      const index = event.output_index ?? 0;
      switch (event.type) {
        case 'response.created':
        case 'response.in_progress':
          if (event.response) applyResponse(builder, event.response);
          break;
        case 'response.output_item.added':
          if (event.item) for (const e of emit(openItem(builder, state, index, event.item))) yield e;
          break;
        case 'response.output_text.delta':
        case 'response.refusal.delta':
          if (event.delta) for (const e of emit(textDelta(builder, state, index, event.delta))) yield e;
          break;
        case 'response.function_call_arguments.delta':
          if (event.delta) for (const e of emit(argumentsDelta(builder, state, index, event.delta))) yield e;
          break;
        case 'response.reasoning_summary_text.delta':
          if (event.delta) for (const e of emit(summaryDelta(builder, state, index, event))) yield e;
          break;
        case 'response.output_item.done':
          if (event.item) for (const e of emit(closeItem(builder, state, index, event.item))) yield e;
          break;
        case 'response.completed':
        case 'response.incomplete':
          if (event.response) applyResponse(builder, event.response);
          ended = true;
          break;
        case 'response.failed':
          throw inBandError({ kind: 'error-object', error: event.response?.error ?? event }, modelName);
        case 'error':
          // The event's own `type` is just `error`: the code and message say what happened.
          throw inBandError(
            { kind: 'error-object', error: { code: event.code, message: event.message } },
            modelName,
          );
      }
      if (ended) {
        finishAfterEndMarker(frames, input.body);
        break;
      }
    }
  } catch (error) {
    throw input.mapReadFailure(error);
  }
  if (!ended) throw inBandError({ kind: 'truncated' }, modelName);
  yield* closingEvents(builder, tap);
}
