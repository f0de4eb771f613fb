/**
 * Reads a whole (non-stream) Chat Completions answer through the same steps a stream's deltas take, so a
 * completion read whole and the same completion streamed come out identical.
 */
import type { ModelResponse } from '../../core/messages.ts';
import type { ResponseBuilder } from '../../core/response-builder.ts';
import type { HttpAnswer } from '../../transport/http-call.ts';
import { errorField } from '../in-band-errors.ts';
import { chatCompletionSchema } from './api.ts';
import { answers, inBandError } from './errors.ts';
import { applyDelta, applyEnvelope, applyFinishReason, mapUsage, newDeltaState } from './response-parts.ts';
import { isChatCompletion } from './shape-check.ts';

/**
 * The response of one whole answer, or the in-band error it carries.
 *
 * @example
 * const response = readResponse(await sendRequest(call), new ResponseBuilder('gpt-4o', 'openai'));
 */
export function readResponse(answer: HttpAnswer, builder: ResponseBuilder): ModelResponse {
  const { text } = answer;
  const modelName = builder.modelName;
  const json = answers.json(text, 'body', modelName);
  const error = errorField(json);
  if (error !== undefined && !(json as { choices?: unknown }).choices) {
    throw inBandError({ kind: 'error-object', error }, modelName);
  }
  // The hand-written check accepts what the schema does, at a fraction of its cost; zod runs only to
  // say what is wrong with an answer the check refused.
  const parsed = isChatCompletion(json)
    ? { success: true as const, data: json }
    : chatCompletionSchema.safeParse(json);
  const choice = parsed.success ? parsed.data.choices[0] : undefined;
  if (!parsed.success || !choice) {
    throw inBandError({ kind: 'malformed', where: 'body', text, cause: parsed.error }, modelName);
  }
  const completion = parsed.data;
  applyEnvelope(builder, completion);
  if (completion.usage) builder.usage = mapUsage(completion.usage);
  const state = newDeltaState();
  for (const _ of applyDelta(builder, choice.message, state));
  applyFinishReason(builder, choice.finish_reason);
  for (const _ of builder.endAll());
  return builder.snapshot();
}
