/**
 * Reads a whole `converse` answer through the same steps a stream's events take, so a response read
 * whole and the same response streamed come out identical.
 */
import type { ModelResponse } from '../../core/messages.ts';
import type { ResponseBuilder } from '../../core/response-builder.ts';
import type { HttpAnswer } from '../../transport/http-call.ts';
import { converseResponseSchema } from './api.ts';
import { inBandError, REQUEST_ID_HEADER } from './errors.ts';
import { applyStopReason, mapUsage, wholeBlock } from './response-parts.ts';

/**
 * The response of one whole answer; a body that is not a Converse response is an in-band error.
 *
 * @example
 * const response = readResponse(await sendRequest(call), new ResponseBuilder('amazon.nova-pro-v1:0', 'bedrock'));
 */
export function readResponse(answer: HttpAnswer, builder: ResponseBuilder): ModelResponse {
  const { text } = answer;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw inBandError({ kind: 'malformed', where: 'body', text, cause }, builder.modelName);
  }
  const parsed = converseResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw inBandError({ kind: 'malformed', where: 'body', text, cause: parsed.error }, builder.modelName);
  }
  const requestId = answer.headers[REQUEST_ID_HEADER];
  if (requestId) builder.providerResponseId = requestId;
  for (const [index, block] of (parsed.data.output.message?.content ?? []).entries()) {
    for (const _ of wholeBlock(builder, index, block));
  }
  if (parsed.data.usage) builder.usage = mapUsage(parsed.data.usage);
  applyStopReason(builder, parsed.data.stopReason);
  return builder.snapshot();
}
