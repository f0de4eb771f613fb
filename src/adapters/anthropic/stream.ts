/**
 * Reads Anthropic's SSE stream (`message_start`, `content_block_*`, `message_delta`, `message_stop`,
 * `error`, `ping`) into stream events. The generator either ends after `message_stop`, with the finish
 * reason set and every part closed, or throws: an `error` event, a malformed frame, a body that ends
 * early, or a broken connection. It never just stops.
 *
 * @example
 * const events = readStream({ body: opened.body, headers: opened.headers, builder, modelName: 'claude-sonnet-4-5',
 *   mapReadFailure: opened.mapFailure });
 * return opened.respond(builder, events);
 */

import type { ModelResponseStreamEvent } from '../../core/messages.ts';
import type { ResponseBuilder } from '../../core/response-builder.ts';
import { finishAfterEndMarker, readSSE } from '../../transport/sse.ts';
import type { ProtocolStreamInput } from '../http-model.ts';
import { closingEvents, eventsThrough } from '../pass-through/raw-frames.ts';
import {
  type AnthropicDelta,
  type AnthropicUsage,
  parseContentBlock,
  parseDelta,
  parseStreamEvent,
} from './api.ts';
import { answers, inBandError } from './errors.ts';
import { mapAnthropicFinishReason } from './map-finish-reason.ts';
import { mapUsage, mergeRawUsage, startBlock } from './map-response.ts';

export async function* readStream(input: ProtocolStreamInput): AsyncGenerator<ModelResponseStreamEvent> {
  const { body, builder, modelName } = input;
  const tap = input.rawFrames;
  const emit = eventsThrough(tap);
  const malformed = (detail: string, data: string) =>
    inBandError({ kind: 'malformed', where: 'stream', detail, text: data }, modelName);
  let rawUsage: AnthropicUsage | undefined;
  let stopReason: string | undefined;
  // Anthropic block indexes that became parts; deltas of other blocks (server tools) are skipped.
  const ours = new Set<number>();
  const toolStartInputs = new Map<number, unknown>();
  try {
    // Frames are pulled by hand, not with `for await`: leaving that loop at `message_stop` would destroy a
    // body whose last bytes are still to come, which costs far more than letting it end (see sse.ts).
    const frames = readSSE(body);
    for (let step = await frames.next(); !step.done; step = await frames.next()) {
      const frame = step.value;
      tap?.add(frame);
      const event = parseStreamEvent(answers.json(frame.data, 'stream', modelName));
      if (!('type' in event)) throw malformed(event.error, frame.data);
      switch (event.type) {
        case 'message_start':
          if (event.message.id !== undefined) builder.providerResponseId = event.message.id;
          if (event.message.model) builder.modelName = event.message.model;
          if (event.message.usage) {
            rawUsage = mergeRawUsage(rawUsage, event.message.usage);
            builder.usage = mapUsage(rawUsage);
          }
          break;
        case 'content_block_start': {
          const block = parseContentBlock(event.content_block);
          if (!('type' in block)) throw malformed(block.error, frame.data);
          if (block.type === 'other') break;
          ours.add(event.index);
          if (block.type === 'tool_use') toolStartInputs.set(event.index, block.input);
          for (const started of emit(startBlock(builder, event.index, block, 'streamed'))) yield started;
          break;
        }
        case 'content_block_delta': {
          if (!ours.has(event.index)) break;
          const delta = parseDelta(event.delta);
          if (!('type' in delta)) throw malformed(delta.error, frame.data);
          for (const step of emit(applyBlockDelta(builder, event.index, delta))) yield step;
          break;
        }
        case 'content_block_stop':
          for (const ended of emit(builder.end(event.index))) {
            // A call without arguments streams no JSON at all: its arguments are the start's `input`.
            if (ended.kind === 'part-end' && ended.part.partKind === 'tool-call' && ended.part.args === '') {
              ended.part.args = JSON.stringify(toolStartInputs.get(event.index) ?? {});
            }
            yield ended;
          }
          break;
        case 'message_delta':
          if (event.delta.stop_reason) stopReason = event.delta.stop_reason;
          if (event.usage) {
            rawUsage = mergeRawUsage(rawUsage, event.usage);
            builder.usage = mapUsage(rawUsage);
          }
          break;
        case 'message_stop':
          builder.rawFinishReason = stopReason;
          builder.finishReason = mapAnthropicFinishReason(stopReason);
          finishAfterEndMarker(frames, body);
          yield* closingEvents(builder, tap);
          return;
        case 'error':
          throw inBandError(
            { kind: 'error-event', type: event.error.type, message: event.error.message ?? '' },
            modelName,
          );
        case 'other':
          break; // ping, and event types newer than this adapter
      }
    }
  } catch (error) {
    throw input.mapReadFailure(error);
  }
  throw inBandError({ kind: 'truncated' }, modelName);
}

/** The events of one content block delta; a delta of a type newer than this adapter adds nothing. */
function* applyBlockDelta(
  builder: ResponseBuilder,
  index: number,
  delta: AnthropicDelta,
): Generator<ModelResponseStreamEvent> {
  if (delta.type === 'text_delta') yield* builder.textDelta(index, delta.text);
  else if (delta.type === 'thinking_delta') yield* builder.thinkingDelta(index, { content: delta.thinking });
  else if (delta.type === 'signature_delta')
    yield* builder.thinkingDelta(index, { signature: delta.signature });
  else if (delta.type === 'input_json_delta')
    yield* builder.toolCallDelta(index, { argsDelta: delta.partial_json });
}
