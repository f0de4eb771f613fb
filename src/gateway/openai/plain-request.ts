/**
 * The hot path's check of a Chat Completions request: a hand-written test for the common plain request
 * (text messages, the usual sampling fields, no tools), which accepts only what the zod schema in
 * request-schema.ts accepts (a property test holds it to that). Anything else — tools, content parts, a bad
 * field — goes to the schema, which also words the 400. Validating every request with zod cost more
 * than reading its body.
 */
import { hasControlCharacter } from '../config/safe-name.ts';
import type { ChatCompletionsRequest } from './request-schema.ts';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isNullish = (value: unknown) => value === undefined || value === null;

/** `safeName.max(256)`: a model id (no control characters). */
function isModelId(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 256 && !hasControlCharacter(value);
}

/** `z.number().min(lo).max(hi).nullish()`. */
function isNullishNumberIn(value: unknown, lo: number, hi: number): boolean {
  return (
    isNullish(value) || (typeof value === 'number' && Number.isFinite(value) && value >= lo && value <= hi)
  );
}

/** `z.number().int().positive().nullish()` (zod's int is a safe integer). */
function isNullishPositiveInt(value: unknown): boolean {
  return isNullish(value) || (Number.isSafeInteger(value) && (value as number) > 0);
}

// Schema fields this check does not read: when one is present, the schema decides.
const LEFT_TO_THE_SCHEMA = [
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'parallel_tool_calls',
  'tools',
  'tool_choice',
  'response_format',
  'reasoning_effort',
] as const;

const isNullishString = (value: unknown) => isNullish(value) || typeof value === 'string';

/** `z.array(reasoningDetailSchema)` (reasoning-details.ts): items with a string type, the rest optional. */
function isReasoningDetails(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) {
    if (
      !isObject(item) ||
      typeof item.type !== 'string' ||
      !isNullishString(item.text) ||
      !isNullishString(item.summary) ||
      !isNullishString(item.data) ||
      !isNullishString(item.signature) ||
      !isNullishString(item.id) ||
      !isNullishString(item.format) ||
      !(isNullish(item.index) || (typeof item.index === 'number' && Number.isFinite(item.index)))
    )
      return false;
  }
  return true;
}

/** A system, developer or user message with text content, or an assistant's text answer and reasoning. */
function isPlainMessage(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { role, content } = value;
  if (role === 'system' || role === 'developer' || role === 'user') return typeof content === 'string';
  if (role === 'assistant')
    return (
      value.tool_calls === undefined &&
      (isNullish(content) || typeof content === 'string') &&
      isNullishString(value.reasoning) &&
      (isNullish(value.reasoning_details) || isReasoningDetails(value.reasoning_details))
    );
  return false;
}

/**
 * True when `body` is a plain request the schema would accept as it is; the body can then be used
 * without the schema's copy (the fields the gateway reads are the same).
 *
 * @example
 * const request = isPlainChatRequest(body) ? body : chatCompletionsRequestSchema.parse(body);
 */
export function isPlainChatRequest(body: unknown): body is ChatCompletionsRequest {
  if (!isObject(body) || !isModelId(body.model)) return false;
  for (const field of LEFT_TO_THE_SCHEMA) if (body[field] !== undefined) return false;
  const models = body.models;
  if (models !== undefined) {
    if (!Array.isArray(models) || models.length > 16) return false;
    for (const id of models) if (!isModelId(id)) return false;
  }
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (const message of messages) if (!isPlainMessage(message)) return false;
  const streamOptions = body.stream_options;
  if (
    !isNullish(streamOptions) &&
    !(
      isObject(streamOptions) &&
      (streamOptions.include_usage === undefined || typeof streamOptions.include_usage === 'boolean')
    )
  ) {
    return false;
  }
  return (
    (isNullish(body.stream) || typeof body.stream === 'boolean') &&
    isNullishPositiveInt(body.max_tokens) &&
    isNullishPositiveInt(body.max_completion_tokens) &&
    isNullishNumberIn(body.temperature, 0, 2) &&
    isNullishNumberIn(body.top_p, 0, 1) &&
    (isNullish(body.seed) || Number.isSafeInteger(body.seed)) &&
    (isNullish(body.n) || body.n === 1)
  );
}
