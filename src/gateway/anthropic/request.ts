/**
 * Reads an Anthropic Messages request (validated with zod; unknown fields ignored; a bad field named in
 * the 400) into a ChatCall: the system prompt and content blocks as ModelMessage[], sampling settings,
 * tools and tool_choice.
 *
 * @example
 * parseMessagesRequest({ model: 'anthropic:claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
 */
import { z } from 'zod';
import type { ToolDefinition } from '../../core/model.ts';
import type { ModelSettings } from '../../core/settings.ts';
import { safeName } from '../config/safe-name.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { invalidRequest } from '../errors/zod-issue.ts';
import type { ChatCall, UntranslatableField } from '../routing/chat-call.ts';
import { toModelMessages } from './request-messages.ts';

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

/** The name of the output tool that carries `output_config.format` (structured output) to any upstream. */
const STRUCTURED_OUTPUT_TOOL = 'structured_output';

export function parseMessagesRequest(body: unknown): ChatCall {
  const parsed = messagesRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidRequest(parsed.error);
  const request = parsed.data;
  const untranslatable: UntranslatableField[] = [];
  const { messages, characters } = toModelMessages(request, untranslatable);
  const settings: ModelSettings = { maxTokens: request.max_tokens };
  if (request.temperature !== undefined) settings.temperature = request.temperature;
  if (request.top_p !== undefined) settings.topP = request.top_p;
  if (request.stop_sequences !== undefined) settings.stopSequences = request.stop_sequences;
  if (request.thinking?.type === 'enabled') settings.thinking = true;
  if (request.thinking?.type === 'adaptive') {
    const effort = request.output_config?.effort;
    settings.thinking = effort === undefined ? true : effort === 'max' ? 'xhigh' : effort;
  }
  if (request.tool_choice?.disable_parallel_tool_use) settings.parallelToolCalls = false;

  let functionTools: ToolDefinition[] = [];
  (request.tools ?? []).forEach((t, i) => {
    if (t.input_schema === undefined) {
      if (t.type === undefined || t.type === 'custom') {
        throw new GatewayError(
          400,
          'invalid_request',
          `tools[${i}].input_schema is required for a custom tool.`,
          {
            param: `tools[${i}].input_schema`,
          },
        );
      }
      untranslatable.push({ param: `tools[${i}]`, what: `the server tool ${t.type}` });
      return;
    }
    // `defer_loading` and `cache_control` are Anthropic's loading and caching hints: a translated tool is
    // simply sent in full.
    const definition: ToolDefinition = { name: t.name, parametersJsonSchema: t.input_schema };
    if (t.description !== undefined) definition.description = t.description;
    functionTools.push(definition);
  });
  let allowTextOutput = true;
  const choice = request.tool_choice;
  if (choice?.type === 'none') functionTools = [];
  else if (choice?.type === 'any') allowTextOutput = functionTools.length === 0;
  else if (choice?.type === 'tool') {
    functionTools = functionTools.filter((t) => t.name === choice.name);
    if (functionTools.length === 0) {
      throw new GatewayError(
        400,
        'invalid_request',
        `tool_choice names '${choice.name ?? ''}', which is not in tools.`,
        { param: 'tool_choice.name' },
      );
    }
    allowTextOutput = false;
  }
  const outputTools: ToolDefinition[] = [];
  let outputToolName: string | undefined;
  const format = request.output_config?.format;
  if (format) {
    // Structured output on every upstream: the same output tool as OpenAI's json_schema, its arguments
    // written back as the text of the answer. Named so it cannot shadow one of the client's tools.
    let name = STRUCTURED_OUTPUT_TOOL;
    for (let n = 2; functionTools.some((t) => t.name === name); n++) name = `${STRUCTURED_OUTPUT_TOOL}_${n}`;
    outputTools.push({ name, parametersJsonSchema: format.schema, strict: true });
    outputToolName = name;
    if (functionTools.length === 0) allowTextOutput = false;
  }
  return {
    modelIds: [request.model, ...(request.models ?? [])],
    messages,
    settings,
    params: { functionTools, outputTools, allowTextOutput },
    stream: request.stream === true,
    includeUsage: true,
    outputToolName,
    estimatedInputTokens: Math.ceil(characters / 4),
    untranslatable,
    omitThinking: request.thinking?.display === 'omitted',
  };
}
