/**
 * Reads a whole (non-streamed) Messages answer through the same builder as a stream, block by block, so
 * the two paths agree part for part.
 */
import type { ModelResponse } from '../../core/messages.ts';
import type { ResponseBuilder } from '../../core/response-builder.ts';
import type { HttpAnswer } from '../../transport/http-call.ts';
import { anthropicErrorBodySchema, anthropicMessageSchema, parseContentBlock } from './api.ts';
import { answers, inBandError } from './errors.ts';
import { mapAnthropicFinishReason } from './map-finish-reason.ts';
import { mapUsage, startBlock } from './map-response.ts';

/**
 * The response of one whole answer, or the in-band error it carries (an error object in a 200 body).
 *
 * @example
 * const response = readResponse(await sendRequest(call), new ResponseBuilder('claude-sonnet-4-5', 'anthropic'));
 */
export function readResponse(answer: HttpAnswer, builder: ResponseBuilder): ModelResponse {
  const { text } = answer;
  const modelName = builder.modelName;
  const json = answers.json(text, 'body', modelName);
  const failure = anthropicErrorBodySchema.safeParse(json);
  if (failure.success) {
    const { type, message } = failure.data.error;
    throw inBandError({ kind: 'error-event', type, message: message ?? '' }, modelName);
  }
  const parsed = anthropicMessageSchema.safeParse(json);
  if (!parsed.success) {
    const detail = `not a message: ${parsed.error.issues[0]?.message ?? 'unknown shape'}`;
    throw inBandError({ kind: 'malformed', where: 'body', detail, text }, modelName);
  }
  const message = parsed.data;
  if (message.model) builder.modelName = message.model;
  message.content.forEach((raw, index) => {
    const block = parseContentBlock(raw);
    if (!('type' in block)) {
      throw inBandError({ kind: 'malformed', where: 'body', detail: block.error, text }, modelName);
    }
    // Only the builder's assembled state matters here; the events are for streams.
    for (const _ of startBlock(builder, index, block, 'whole'));
  });
  for (const _ of builder.endAll());
  if (message.id !== undefined) builder.providerResponseId = message.id;
  builder.usage = mapUsage(message.usage);
  const stopReason = message.stop_reason ?? undefined;
  builder.rawFinishReason = stopReason;
  builder.finishReason = mapAnthropicFinishReason(stopReason);
  return builder.snapshot();
}
