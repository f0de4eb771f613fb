/**
 * Reads a whole (non-stream) Responses API answer through the same steps a stream's events take, so a
 * response read whole and the same response streamed come out identical.
 */
import type { ModelResponse } from '../../core/messages.ts';
import type { ResponseBuilder } from '../../core/response-builder.ts';
import type { HttpAnswer } from '../../transport/http-call.ts';
import { responseSchema } from './api.ts';
import { answers, inBandError } from './errors.ts';
import { applyResponse, closeItem, newItemState } from './response-items.ts';

/**
 * The response of one whole answer, or the in-band error it carries (`status: failed`, an error object).
 *
 * @example
 * const response = readResponse(await sendRequest(call), new ResponseBuilder('gpt-5', 'openai-responses'));
 */
export function readResponse(answer: HttpAnswer, builder: ResponseBuilder): ModelResponse {
  const { text } = answer;
  const modelName = builder.modelName;
  const json = answers.json(text, 'body', modelName);
  const parsed = responseSchema.safeParse(json);
  if (!parsed.success || !parsed.data.output) {
    const error = (json as { error?: unknown } | null)?.error;
    if (error) throw inBandError({ kind: 'error-object', error }, modelName);
    throw inBandError({ kind: 'malformed', where: 'body', text, cause: parsed.error }, modelName);
  }
  const response = parsed.data;
  if (response.status === 'failed' && response.error) {
    throw inBandError({ kind: 'error-object', error: response.error }, modelName);
  }
  const state = newItemState();
  for (const [index, item] of (response.output ?? []).entries()) {
    for (const _ of closeItem(builder, state, index, item));
  }
  applyResponse(builder, response);
  for (const _ of builder.endAll());
  return builder.snapshot();
}
