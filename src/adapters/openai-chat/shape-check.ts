/**
 * Hand-written checks of the Chat Completions answer shapes, for the hot path: they accept exactly what
 * the loose zod schemas in api.ts accept (a property test holds them to it), without zod's per-field
 * machinery, which cost more than parsing the JSON itself. They only say yes or no; when the answer is
 * no, the caller runs the zod schema to get the error that names the bad field.
 */
import type { ChatCompletion, ChatCompletionChunk } from './api.ts';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `z.string().nullish()`. */
function nullishString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}

/** `z.number().nullish()` (zod's number refuses NaN and the infinities, which JSON cannot carry). */
function nullishNumber(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'number' && Number.isFinite(value));
}

/** `content`: a string, or an array of typed chunks (any object: content-chunks.ts reads them). */
function isContent(value: unknown): boolean {
  if (nullishString(value)) return true;
  if (!Array.isArray(value)) return false;
  for (const chunk of value) if (!isObject(chunk)) return false;
  return true;
}

function isToolCall(value: unknown): boolean {
  if (!isObject(value)) return false;
  const index = value.index;
  // `index` is `.optional()`, not nullish: null is refused.
  if (index !== undefined && !(typeof index === 'number' && Number.isSafeInteger(index))) return false;
  if (!nullishString(value.id) || !nullishString(value.type)) return false;
  const fn = value.function;
  if (fn === undefined || fn === null) return true;
  return isObject(fn) && nullishString(fn.name) && nullishString(fn.arguments);
}

/** A whole message or a stream delta (they share one schema). */
function isMessage(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (
    !nullishString(value.role) ||
    !isContent(value.content) ||
    !nullishString(value.refusal) ||
    !nullishString(value.reasoning_content) ||
    !nullishString(value.reasoning)
  ) {
    return false;
  }
  const toolCalls = value.tool_calls;
  if (toolCalls === undefined || toolCalls === null) return true;
  if (!Array.isArray(toolCalls)) return false;
  for (const call of toolCalls) if (!isToolCall(call)) return false;
  return true;
}

function isNullishRecord(value: unknown): boolean {
  return value === undefined || value === null || isObject(value);
}

function isNullishUsage(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  return (
    isObject(value) &&
    nullishNumber(value.prompt_tokens) &&
    nullishNumber(value.completion_tokens) &&
    nullishNumber(value.total_tokens) &&
    isNullishRecord(value.prompt_tokens_details) &&
    isNullishRecord(value.completion_tokens_details)
  );
}

function isChoices(value: unknown, field: 'message' | 'delta'): boolean {
  if (!Array.isArray(value)) return false;
  for (const choice of value) {
    if (!isObject(choice) || !nullishNumber(choice.index) || !nullishString(choice.finish_reason))
      return false;
    const message = choice[field];
    // A whole answer's message is required; a chunk's delta may be absent.
    if (field === 'delta' && (message === undefined || message === null)) continue;
    if (!isMessage(message)) return false;
  }
  return true;
}

/**
 * True when `json` is a chat completion as `chatCompletionSchema` reads it; the value is then usable as
 * is (the loose schema passes every field through unchanged).
 *
 * @example
 * if (isChatCompletion(json)) use(json.choices[0]); else report(chatCompletionSchema.safeParse(json).error);
 */
export function isChatCompletion(json: unknown): json is ChatCompletion {
  return (
    isObject(json) &&
    nullishString(json.id) &&
    nullishString(json.model) &&
    isChoices(json.choices, 'message') &&
    isNullishUsage(json.usage)
  );
}

/**
 * True when `json` is a stream chunk as `chatCompletionChunkSchema` reads it.
 *
 * @example
 * const chunk = isChatCompletionChunk(json) ? json : chatCompletionChunkSchema.parse(json);
 */
export function isChatCompletionChunk(json: unknown): json is ChatCompletionChunk {
  if (!isObject(json) || !nullishString(json.id) || !nullishString(json.model)) return false;
  if (!(json.choices === undefined || json.choices === null || isChoices(json.choices, 'delta')))
    return false;
  if (!isNullishUsage(json.usage)) return false;
  const groq = json.x_groq;
  return groq === undefined || groq === null || (isObject(groq) && isNullishUsage(groq.usage));
}
