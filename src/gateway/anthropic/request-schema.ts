/**
 * The Anthropic Messages request as the gateway validates it: the fields it translates, checked and named
 * in a 400 when wrong; unknown fields pass (a pass-through sends them on as they are), and block types
 * it cannot translate are kept for request.ts to refuse by name only when a translation needs them.
 */
import { z } from 'zod';
import { safeName } from '../config/safe-name.ts';

const textBlock = z.object({ type: z.literal('text'), text: z.string() });
const imageBlock = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.object({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
    z.object({ type: z.literal('url'), url: z.string().min(1) }),
  ]),
});
const documentBlock = z.object({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [
    z.object({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
    z.object({ type: z.literal('url'), url: z.string().min(1) }),
    z.object({ type: z.literal('text'), data: z.string() }),
    z.object({ type: z.literal('content'), content: z.union([z.string(), z.array(z.unknown())]) }),
  ]),
  title: z.string().nullish(),
});
// Blocks of types this gateway does not translate (server tool calls and results, search results, and
// whatever Anthropic adds next): kept for a pass-through, refused by name for a translation.
const KNOWN_BLOCKS = new Set([
  'text',
  'image',
  'document',
  'tool_use',
  'tool_result',
  'thinking',
  'redacted_thinking',
]);
const otherBlock = z
  .object({ type: z.string() })
  .refine((b) => !KNOWN_BLOCKS.has(b.type), { message: 'a block of this type is malformed' });
const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z
    .union([z.string(), z.array(z.union([textBlock, imageBlock, documentBlock, otherBlock]))])
    .optional(),
  is_error: z.boolean().optional(),
});
const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
});
const thinkingBlock = z.object({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string().optional(),
});
const redactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string() });
const block = z.union([
  z.discriminatedUnion('type', [
    textBlock,
    imageBlock,
    documentBlock,
    toolUseBlock,
    toolResultBlock,
    thinkingBlock,
    redactedThinkingBlock,
  ]),
  otherBlock,
]);

const message = z.object({
  // `system` inside `messages`: Claude Code sends its environment notes there, mid-conversation.
  role: z.enum(['user', 'assistant', 'system']),
  content: z.union([z.string(), z.array(block)]),
});

// Echoed into headers, logs and metrics (safe-name.ts), so no control characters.
const modelId = safeName.max(256);

export const messagesRequestSchema = z.object({
  model: modelId,
  models: z.array(modelId).max(16).optional(),
  max_tokens: z.number().int().positive(),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  messages: z.array(message).min(1),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stop_sequences: z.array(z.string()).optional(),
  tools: z
    .array(
      z.object({
        name: z.string().min(1),
        // Absent or `custom` for a tool the client runs; a server tool (`web_search_20250305`, ...) has
        // its own type and no input_schema.
        type: z.string().optional(),
        description: z.string().optional(),
        input_schema: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
  tool_choice: z
    .object({
      type: z.enum(['auto', 'any', 'tool', 'none']),
      name: z.string().optional(),
      disable_parallel_tool_use: z.boolean().optional(),
    })
    .optional(),
  thinking: z
    .object({
      // `adaptive` (Claude 4.6 and later; the only kind Opus 4.7+ take): the model decides how much to think.
      type: z.enum(['enabled', 'disabled', 'adaptive']),
      budget_tokens: z.number().int().optional(),
      // `summarized`, `omitted` (signatures only), and newer values such as Claude Code's `updates`.
      display: z.string().optional(),
    })
    .optional(),
  output_config: z
    .object({
      // With adaptive thinking, how hard to think; `max` is the top of Anthropic's scale, `xhigh` of ours.
      effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).optional(),
      // Structured output: the answer is JSON matching the schema.
      format: z
        .object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) })
        .optional(),
    })
    .optional(),
});

export type MessagesRequest = z.output<typeof messagesRequestSchema>;
