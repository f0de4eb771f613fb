/**
 * The zod schema of an OpenAI Chat Completions request, as the gateway accepts it: unknown fields are
 * ignored (as OpenAI-compatible servers do), and every field it reads is checked so a bad one is named
 * in the 400. Its own file because two readers share it: `request.ts`, which turns a request into a
 * ChatCall, and `plain-request.ts`, the hot path's hand-written check that must accept no more than it.
 */
import { z } from 'zod';
import { safeName } from '../config/safe-name.ts';
import { reasoningDetailSchema } from './reasoning-details.ts';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.string().optional() }),
});
const filePart = z.object({
  type: z.literal('file'),
  file: z.object({
    file_data: z.string().optional(),
    file_id: z.string().optional(),
    filename: z.string().optional(),
  }),
});
// Parts of types this gateway does not translate (`input_audio`, and whatever OpenAI adds next): kept for
// a pass-through, refused by name for a translation.
const KNOWN_PARTS = new Set(['text', 'image_url', 'file']);
const otherPart = z
  .object({ type: z.string() })
  .refine((part) => !KNOWN_PARTS.has(part.type), { message: 'a part of this type is malformed' });
const userPart = z.union([z.discriminatedUnion('type', [textPart, imagePart, filePart]), otherPart]);
const textContent = z.union([z.string(), z.array(textPart)]);

const toolCall = z.object({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: textContent }),
  z.object({ role: z.literal('developer'), content: textContent }),
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(userPart)]) }),
  z.object({
    role: z.literal('assistant'),
    content: textContent.nullish(),
    // OpenRouter's clients send back the reasoning we answered with (`message.reasoning`).
    reasoning: z.string().nullish(),
    // ...and the structured items, which keep Claude's signature (reasoning-details.ts).
    reasoning_details: z.array(reasoningDetailSchema).nullish(),
    tool_calls: z.array(toolCall).optional(),
  }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string(), content: textContent }),
]);

const tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().min(1),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

// Echoed into headers, logs and metrics (safe-name.ts), so no control characters.
const modelId = safeName.max(256);

export const chatCompletionsRequestSchema = z.object({
  model: modelId,
  models: z.array(modelId).max(16).optional(),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  n: z.literal(1).nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  response_format: responseFormat.nullish(),
  reasoning_effort: z.enum(['minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
});

/** A validated Chat Completions request. */
export type ChatCompletionsRequest = z.output<typeof chatCompletionsRequestSchema>;
/** One message of a validated request. */
export type ChatCompletionsMessage = z.output<typeof message>;
