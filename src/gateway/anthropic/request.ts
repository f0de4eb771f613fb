/**
 * Reads an Anthropic Messages request (validated with zod; unknown fields ignored; a bad field named in
 * the 400) into a ChatCall: the system prompt and content blocks as ModelMessage[], sampling settings,
 * tools and tool_choice.
 *
 * @example
 * parseMessagesRequest({ model: 'anthropic:claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
 */
import { z } from 'zod';
import type {
  ModelMessage,
  ModelRequestPart,
  ModelResponsePart,
  UserContentItem,
} from '../../core/messages.ts';
import type { ToolDefinition } from '../../core/model.ts';
import type { ModelSettings } from '../../core/settings.ts';
import { emptyUsage } from '../../core/usage.ts';
import { safeName } from '../config/safe-name.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { invalidRequest } from '../errors/zod-issue.ts';
import type { ChatCall } from '../routing/chat-call.ts';

const textBlock = z.object({ type: z.literal('text'), text: z.string() });
const imageBlock = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.object({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
    z.object({ type: z.literal('url'), url: z.string().min(1) }),
  ]),
});
const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
});
const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(textBlock)]).optional(),
  is_error: z.boolean().optional(),
});
const thinkingBlock = z.object({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string().optional(),
});
const redactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string() });
const block = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
]);

const message = z.object({
  role: z.enum(['user', 'assistant']),
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
        description: z.string().optional(),
        input_schema: z.record(z.string(), z.unknown()),
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
      display: z.enum(['summarized', 'omitted']).optional(),
    })
    .optional(),
  // With adaptive thinking, how hard to think; `max` is the top of Anthropic's scale, `xhigh` of ours.
  output_config: z
    .object({ effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).optional() })
    .optional(),
});

type MessagesRequest = z.output<typeof messagesRequestSchema>;

export function parseMessagesRequest(body: unknown): ChatCall {
  const parsed = messagesRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidRequest(parsed.error);
  const request = parsed.data;
  const { messages, characters } = toModelMessages(request);
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

  let functionTools: ToolDefinition[] = (request.tools ?? []).map((t) => {
    const definition: ToolDefinition = { name: t.name, parametersJsonSchema: t.input_schema };
    if (t.description !== undefined) definition.description = t.description;
    return definition;
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
  return {
    modelIds: [request.model, ...(request.models ?? [])],
    messages,
    settings,
    params: { functionTools, outputTools: [], allowTextOutput },
    stream: request.stream === true,
    includeUsage: true,
    outputToolName: undefined,
    estimatedInputTokens: Math.ceil(characters / 4),
  };
}

function toModelMessages(request: MessagesRequest): { messages: ModelMessage[]; characters: number } {
  const messages: ModelMessage[] = [];
  const toolNames = new Map<string, string>();
  let characters = 0;
  const system: ModelRequestPart[] = [];
  if (request.system !== undefined) {
    const text =
      typeof request.system === 'string' ? request.system : request.system.map((b) => b.text).join('\n');
    characters += text.length;
    if (text !== '') system.push({ partKind: 'system-prompt', content: text });
  }
  let first = true;
  for (const m of request.messages) {
    const blocks = typeof m.content === 'string' ? [{ type: 'text' as const, text: m.content }] : m.content;
    if (m.role === 'assistant') {
      const parts: ModelResponsePart[] = [];
      for (const b of blocks) {
        if (b.type === 'text') {
          characters += b.text.length;
          parts.push({ partKind: 'text', content: b.text });
        } else if (b.type === 'tool_use') {
          toolNames.set(b.id, b.name);
          const args = (b.input ?? {}) as Record<string, unknown>;
          parts.push({ partKind: 'tool-call', toolName: b.name, toolCallId: b.id, args });
        } else if (b.type === 'thinking') {
          const part: ModelResponsePart = {
            partKind: 'thinking',
            content: b.thinking,
            providerName: 'anthropic',
          };
          if (b.signature !== undefined) part.signature = b.signature;
          parts.push(part);
        } else if (b.type === 'redacted_thinking') {
          parts.push({
            partKind: 'thinking',
            content: '',
            signature: b.data,
            providerName: 'anthropic',
            redacted: true,
          });
        }
      }
      if (first && system.length > 0) messages.push({ kind: 'request', parts: system });
      first = false;
      messages.push({
        kind: 'response',
        parts,
        usage: emptyUsage(),
        modelName: '',
        providerName: '',
        timestamp: new Date(0),
      });
      continue;
    }
    const parts: ModelRequestPart[] = first ? [...system] : [];
    first = false;
    const items: UserContentItem[] = [];
    for (const b of blocks) {
      if (b.type === 'text') {
        characters += b.text.length;
        items.push({ kind: 'text', text: b.text });
      } else if (b.type === 'image') {
        items.push(
          b.source.type === 'url'
            ? { kind: 'image', url: b.source.url }
            : { kind: 'image', data: Buffer.from(b.source.data, 'base64'), mediaType: b.source.media_type },
        );
      } else if (b.type === 'tool_result') {
        const content =
          typeof b.content === 'string' ? b.content : (b.content ?? []).map((t) => t.text).join('');
        characters += content.length;
        const toolName = toolNames.get(b.tool_use_id) ?? '';
        parts.push(
          b.is_error
            ? { partKind: 'retry-prompt', content, toolName, toolCallId: b.tool_use_id }
            : { partKind: 'tool-return', toolName, toolCallId: b.tool_use_id, content },
        );
      }
    }
    if (items.length > 0) {
      const onlyText = items.every((i) => i.kind === 'text');
      parts.push({
        partKind: 'user-prompt',
        content: onlyText && items.length === 1 ? (items[0] as { text: string }).text : items,
      });
    }
    messages.push({ kind: 'request', parts });
  }
  return { messages, characters };
}
