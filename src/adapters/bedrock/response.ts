/**
 * Reads a whole `converse` answer through the same steps a stream's events take, so a response read
 * whole and the same response streamed come out identical.
 */
import type { ModelResponse } from '../../core/messages.ts';
import type { ResponseBuilder } from '../../core/response-builder.ts';
import type { HttpAnswer } from '../../transport/http-call.ts';
import { converseResponseSchema } from './api.ts';
import { answers, REQUEST_ID_HEADER } from './errors.ts';
import { applyStopReason, mapUsage, wholeBlock } from './response-parts.ts';

/**
 * The response of one whole answer; a body that is not a Converse response is an in-band error.
 *
 * @example
 * const response = readResponse(await sendRequest(call), new ResponseBuilder('amazon.nova-pro-v1:0', 'bedrock'));
 */
export function readResponse(answer: HttpAnswer, builder: ResponseBuilder): ModelResponse {
  const response = answers.parse(converseResponseSchema, answer.text, 'body', builder.modelName);
  const requestId = answer.headers[REQUEST_ID_HEADER];
  if (requestId) builder.providerResponseId = requestId;
  for (const [index, block] of (response.output.message?.content ?? []).entries()) {
    for (const _ of wholeBlock(builder, index, block));
  }
  if (response.usage) builder.usage = mapUsage(response.usage);
  applyStopReason(builder, response.stopReason);
  return builder.snapshot();
}
