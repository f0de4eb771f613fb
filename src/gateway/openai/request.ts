/**
 * Reads an OpenAI Chat Completions request: validates it with zod (unknown fields are ignored, as
 * OpenAI-compatible servers do; a bad field is named in the 400) and turns it into a ChatCall — the
 * conversation as ModelMessage[], the sampling settings, and the tools.
 *
 * @example
 * const call = parseChatCompletionsRequest({ model: 'openai:gpt-4o', models: ['anthropic:claude-sonnet-4-5'], messages: [{ role: 'user', content: 'Hi' }] });
 * call.modelIds // ['openai:gpt-4o', 'anthropic:claude-sonnet-4-5']
 */
import type {
  ModelMessage,
  ModelRequest,
  ModelRequestPart,
  ModelResponse,
  ModelResponsePart,
  UserContentItem,
} from '../../core/messages.ts';
import { replayedResponse } from '../../core/messages.ts';
import type { ToolDefinition } from '../../core/model.ts';
import type { ModelSettings, ThinkingLevel } from '../../core/settings.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { invalidRequest } from '../errors/zod-issue.ts';
import type { ChatCall, UntranslatableField } from '../routing/chat-call.ts';
import { type CallTools, jsonObjectTool, withOutputTool } from '../routing/output-tool.ts';
import { isPlainChatRequest } from './plain-request.ts';
import { thinkingFromDetails } from './reasoning-details.ts';
import {
  type ChatCompletionsMessage,
  type ChatCompletionsRequest,
  chatCompletionsRequestSchema,
} from './request-schema.ts';

export function parseChatCompletionsRequest(body: unknown): ChatCall {
  const request = isPlainChatRequest(body) ? body : validated(body);
  const untranslatable = onlyOpenAI(body as Record<string, unknown>);
  const { messages, characters } = toModelMessages(request.messages, untranslatable);
  const { params, outputToolName } = toRequestParameters(request);
  return {
    modelIds: [request.model, ...(request.models ?? [])],
    messages,
    settings: toSettings(request),
    params,
    stream: request.stream === true,
    includeUsage: request.stream_options?.include_usage === true,
    outputToolName,
    estimatedInputTokens: Math.ceil(characters / 4),
    untranslatable,
  };
}

/**
 * Top-level fields whose effect another protocol cannot give: translated, the client would silently get
 * an answer without what it asked for (log probabilities, audio, a web search). They go as they are to an
 * OpenAI-protocol model and are refused, named, for any other. Hints with no effect on the answer
 * (`user`, `metadata`, `store`, `service_tier`, `prediction`, `prompt_cache_key`, ...) are simply not sent
 * on a translation; the README's table lists both.
 */
function onlyOpenAI(body: Record<string, unknown>): UntranslatableField[] {
  const fields: UntranslatableField[] = [];
  if (body.logprobs === true) fields.push({ param: 'logprobs', what: 'log probabilities' });
  if (typeof body.top_logprobs === 'number' && body.top_logprobs > 0)
    fields.push({ param: 'top_logprobs', what: 'log probabilities' });
  if (body.audio != null) fields.push({ param: 'audio', what: 'an audio answer' });
  if (Array.isArray(body.modalities) && body.modalities.includes('audio'))
    fields.push({ param: 'modalities', what: 'an audio answer' });
  if (body.web_search_options != null)
    fields.push({ param: 'web_search_options', what: "OpenAI's hosted web search" });
  return fields;
}

/** The schema's reading of any request the plain check passed on; a 400 naming the bad field. */
function validated(body: unknown): ChatCompletionsRequest {
  const parsed = chatCompletionsRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidRequest(parsed.error);
  return parsed.data;
}

function toSettings(request: ChatCompletionsRequest): ModelSettings {
  const settings: ModelSettings = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) settings.maxTokens = maxTokens;
  if (request.temperature != null) settings.temperature = request.temperature;
  if (request.top_p != null) settings.topP = request.top_p;
  if (request.seed != null) settings.seed = request.seed;
  if (request.stop != null)
    settings.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.presence_penalty != null) settings.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) settings.frequencyPenalty = request.frequency_penalty;
  if (request.logit_bias != null) settings.logitBias = request.logit_bias;
  if (request.parallel_tool_calls != null) settings.parallelToolCalls = request.parallel_tool_calls;
  if (request.reasoning_effort != null) settings.thinking = request.reasoning_effort as ThinkingLevel;
  return settings;
}

function toRequestParameters(request: ChatCompletionsRequest): CallTools {
  let functionTools: ToolDefinition[] = (request.tools ?? []).map((t) => {
    const definition: ToolDefinition = {
      name: t.function.name,
      parametersJsonSchema: t.function.parameters ?? { type: 'object', properties: {} },
    };
    if (t.function.description !== undefined) definition.description = t.function.description;
    if (t.function.strict != null) definition.strict = t.function.strict;
    return definition;
  });
  let allowTextOutput = true;
  const choice = request.tool_choice;
  if (choice === 'none') functionTools = [];
  else if (choice === 'required') allowTextOutput = functionTools.length === 0;
  else if (choice && typeof choice === 'object') {
    const named = functionTools.filter((t) => t.name === choice.function.name);
    if (named.length === 0) {
      throw new GatewayError(
        400,
        'invalid_request',
        `tool_choice names '${choice.function.name}', which is not in tools.`,
        {
          param: 'tool_choice.function.name',
        },
      );
    }
    functionTools = named;
    allowTextOutput = false;
  }
  const format = request.response_format;
  let outputTool: ToolDefinition | undefined;
  if (format?.type === 'json_schema') {
    const schema = format.json_schema;
    outputTool = { name: schema.name, parametersJsonSchema: schema.schema ?? { type: 'object' } };
    if (schema.description !== undefined) outputTool.description = schema.description;
    if (schema.strict != null) outputTool.strict = schema.strict;
  } else if (format?.type === 'json_object') {
    // JSON mode on every provider, Anthropic's included, which has none.
    outputTool = jsonObjectTool(functionTools);
  }
  return withOutputTool(functionTools, allowTextOutput, outputTool);
}

/** Messages in order; consecutive system/user/tool messages share one ModelRequest. */
function toModelMessages(
  input: ChatCompletionsMessage[],
  untranslatable: UntranslatableField[],
): { messages: ModelMessage[]; characters: number } {
  const messages: ModelMessage[] = [];
  const toolNames = new Map<string, string>();
  let characters = 0;
  let pending: ModelRequestPart[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const request: ModelRequest = { kind: 'request', parts: pending };
    messages.push(request);
    pending = [];
  };
  for (const [i, m] of input.entries()) {
    if (m.role === 'system' || m.role === 'developer') {
      const content = joinText(m.content);
      characters += content.length;
      pending.push({ partKind: 'system-prompt', content });
    } else if (m.role === 'user') {
      if (typeof m.content === 'string') {
        characters += m.content.length;
        pending.push({ partKind: 'user-prompt', content: m.content });
      } else {
        const items: UserContentItem[] = [];
        m.content.forEach((part, j) => {
          const item = userContentItem(part);
          if (item === undefined) {
            const what =
              part.type === 'file' ? 'a file given by its OpenAI file_id' : `a part of type ${part.type}`;
            untranslatable.push({ param: `messages[${i}].content[${j}]`, what });
            return;
          }
          if (item.kind === 'text') characters += item.text.length;
          items.push(item);
        });
        pending.push({ partKind: 'user-prompt', content: items });
      }
    } else if (m.role === 'tool') {
      const content = joinText(m.content);
      characters += content.length;
      pending.push({
        partKind: 'tool-return',
        toolCallId: m.tool_call_id,
        toolName: toolNames.get(m.tool_call_id) ?? '',
        content,
      });
    } else {
      flush();
      const parts: ModelResponsePart[] = [];
      // Sent-back reasoning is mapped, not ignored: it becomes a thinking part with no provider and no
      // signature (the text carries neither), and each model adapter already decides what such foreign
      // thinking becomes (Anthropic and Bedrock take it as <thinking> text, the others drop it), so the
      // gateway need not. It comes first, as the model produced it before its answer.
      // reasoning_details say the same with the signatures that let Claude take its thinking back as
      // its own, so when they hold thinking they replace `reasoning` rather than repeat it.
      const thinking = m.reasoning_details ? thinkingFromDetails(m.reasoning_details) : undefined;
      if (thinking !== undefined && thinking.length > 0) {
        for (const part of thinking) {
          characters += part.content.length;
          parts.push(part);
        }
      } else if (m.reasoning) {
        characters += m.reasoning.length;
        parts.push({ partKind: 'thinking', content: m.reasoning });
      }
      const text = m.content == null ? '' : joinText(m.content);
      characters += text.length;
      if (text !== '') parts.push({ partKind: 'text', content: text });
      for (const call of m.tool_calls ?? []) {
        toolNames.set(call.id, call.function.name);
        characters += call.function.arguments.length;
        parts.push({
          partKind: 'tool-call',
          toolName: call.function.name,
          toolCallId: call.id,
          args: call.function.arguments,
        });
      }
      const response: ModelResponse = replayedResponse(parts);
      messages.push(response);
    }
  }
  flush();
  return { messages, characters };
}

function joinText(content: string | Array<{ text: string }>): string {
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content) text += part.text;
  return text;
}

type UserPart = Exclude<Extract<ChatCompletionsMessage, { role: 'user' }>['content'], string>[number];

/**
 * A user content part as neutral content: text, an image, or a file sent as data (a PDF, ...) as a
 * document; undefined for what has no equivalent elsewhere (an OpenAI `file_id`, audio, newer types).
 */
function userContentItem(part: UserPart): UserContentItem | undefined {
  if (part.type === 'text' && 'text' in part) return { kind: 'text', text: part.text };
  if (part.type === 'image_url' && 'image_url' in part) return { kind: 'image', url: part.image_url.url };
  if (part.type === 'file' && 'file' in part) {
    const match = /^data:([^;,]+);base64,(.*)$/s.exec(part.file.file_data ?? '');
    if (!match) return undefined;
    const document: UserContentItem = {
      kind: 'document',
      data: Buffer.from(match[2]!, 'base64'),
      mediaType: match[1]!,
    };
    if (part.file.filename !== undefined) document.name = part.file.filename;
    return document;
  }
  return undefined;
}
