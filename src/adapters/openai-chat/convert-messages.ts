/**
 * Turns a provider-independent history into Chat Completions `messages`. The history may have been
 * written by any adapter (Anthropic, Gemini, a FallbackModel crossing providers), so nothing here assumes
 * it came from OpenAI: foreign tool call ids are made acceptable, foreign thinking is dropped, and the
 * host's own thinking goes back only in the form its profile names (see profile.ts).
 */

import { UserError } from '../../core/errors/index.ts';
import {
  type ModelMessage,
  type ModelRequestPart,
  type ModelResponse,
  type ModelResponsePart,
  toolCallArgsJson,
} from '../../core/messages.ts';
import { sha256Hex } from '../../core/portable.ts';
import {
  answerRetryText,
  toolRetryText,
  toolReturnText,
  type UserContentShapes,
  userPromptContent,
} from '../openai-input-content.ts';
import type {
  AssistantChatMessage,
  AssistantContentChunk,
  ChatContentPart,
  ChatMessage,
  ChatToolCall,
} from './api.ts';
import type { ThinkingReplay, ToolCallIdStyle } from './profile.ts';

/**
 * How a host restricts tool call ids. `openai`: letters, digits, `_` and `-`, at most 40 characters.
 * `mistral`: exactly 9 letters or digits.
 */

export interface ConvertOptions {
  toolCallIdStyle?: ToolCallIdStyle;
  /** How the host takes its own thinking back; `drop` (the default) sends none. */
  thinkingReplay?: ThinkingReplay;
  /**
   * The provider the request goes to: only thinking parts it produced itself are replayed. Another
   * provider's reasoning would be put in this model's mouth, and its signature means nothing here.
   */
  providerName?: string;
}

/**
 * Converts a history to Chat Completions messages.
 *
 * @example
 * convertMessages([{ kind: 'request', parts: [systemPrompt('Be brief.'), userPrompt('Hi')] }]);
 * // [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }]
 */
export function convertMessages(messages: ModelMessage[], options: ConvertOptions = {}): ChatMessage[] {
  const style = options.toolCallIdStyle ?? 'openai';
  const out: ChatMessage[] = [];
  for (const message of messages) {
    if (message.kind === 'request') {
      for (const part of message.parts) out.push(convertRequestPart(part, style));
    } else {
      const assistant = convertResponse(message, options);
      if (assistant) pushAssistant(out, assistant);
    }
  }
  return out;
}

function convertRequestPart(part: ModelRequestPart, style: ToolCallIdStyle): ChatMessage {
  switch (part.partKind) {
    case 'system-prompt':
      return { role: 'system', content: part.content };
    case 'user-prompt':
      return { role: 'user', content: userPromptContent(part.content, CHAT_CONTENT) };
    case 'tool-return':
      return {
        role: 'tool',
        tool_call_id: wireToolCallId(part.toolCallId, style),
        content: toolReturnText(part),
      };
    case 'retry-prompt':
      if (part.toolCallId !== undefined) {
        return {
          role: 'tool',
          tool_call_id: wireToolCallId(part.toolCallId, style),
          content: toolRetryText(part),
        };
      }
      return { role: 'user', content: answerRetryText(part) };
  }
}

function convertResponse(response: ModelResponse, options: ConvertOptions): AssistantChatMessage | undefined {
  const style = options.toolCallIdStyle ?? 'openai';
  const replay = options.thinkingReplay ?? 'drop';
  // Text and, for Mistral, thinking chunks in the order the model produced them.
  const chunks: AssistantContentChunk[] = [];
  let text = '';
  let hasText = false;
  let reasoning = '';
  const toolCalls: ChatToolCall[] = [];
  for (const part of response.parts) {
    if (part.partKind === 'text') {
      text += part.content;
      hasText = true;
      const last = chunks.at(-1);
      if (last?.type === 'text') last.text += part.content;
      else chunks.push({ type: 'text', text: part.content });
    } else if (part.partKind === 'tool-call') {
      toolCalls.push({
        id: wireToolCallId(part.toolCallId, style),
        type: 'function',
        function: { name: part.toolName, arguments: toolCallArgsJson(part) },
      });
    } else if (isOwnThinking(part, options.providerName) && replay !== 'drop') {
      chunks.push({ type: 'thinking', thinking: [{ type: 'text', text: part.content }] });
      reasoning += part.content;
    }
    // Any other thinking is not sent back: OpenAI's Chat Completions has no field for it, and another
    // provider's reasoning (or signature) means nothing to this one.
  }
  // A turn of thinking alone (an answer cut short) is not replayed: hosts refuse an assistant message
  // with neither content nor tool calls.
  if (!hasText && toolCalls.length === 0) return undefined;
  const replaysChunks = replay === 'mistral-chunks' && chunks.some((chunk) => chunk.type === 'thinking');
  const assistant: AssistantChatMessage = {
    role: 'assistant',
    content: replaysChunks ? chunks : hasText ? text : null,
  };
  if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
  if (replay === 'reasoning-content' && reasoning) assistant.reasoning_content = reasoning;
  return assistant;
}

function isOwnThinking(part: ModelResponsePart, providerName: string | undefined): boolean {
  return (
    part.partKind === 'thinking' &&
    !part.redacted &&
    part.content !== '' &&
    providerName !== undefined &&
    part.providerName === providerName
  );
}

/** Two responses in a row (a history spliced by a fallback) become one turn, which strict hosts require. */
function pushAssistant(out: ChatMessage[], next: AssistantChatMessage): void {
  const previous = out.at(-1);
  if (previous?.role !== 'assistant') {
    out.push(next);
    return;
  }
  previous.content = joinContent(previous.content, next.content);
  if (next.tool_calls) previous.tool_calls = [...(previous.tool_calls ?? []), ...next.tool_calls];
  if (next.reasoning_content) {
    previous.reasoning_content = (previous.reasoning_content ?? '') + next.reasoning_content;
  }
}

/** Strings join as strings; once either side is chunks, both become chunks so no thinking is lost. */
function joinContent(
  first: AssistantChatMessage['content'],
  second: AssistantChatMessage['content'],
): AssistantChatMessage['content'] {
  if (second === null) return first;
  if (first === null) return second;
  if (typeof first === 'string' && typeof second === 'string') return first + second;
  return [...asChunks(first), ...asChunks(second)];
}

function asChunks(content: string | AssistantContentChunk[]): AssistantContentChunk[] {
  if (typeof content !== 'string') return content;
  return content === '' ? [] : [{ type: 'text', text: content }];
}

// Chat Completions' `file` part takes bytes only: it has no field for a document's URL.
const CHAT_CONTENT: UserContentShapes<ChatContentPart> = {
  text: (text) => ({ type: 'text', text }),
  image: (url) => ({ type: 'image_url', image_url: { url } }),
  file: (filename, fileData) => ({ type: 'file', file: { filename, file_data: fileData } }),
  url: (url) => {
    throw new UserError(
      `OpenAI Chat Completions cannot fetch a document by URL (${url.slice(0, 100)}); pass its bytes with a mediaType instead.`,
    );
  },
};

const OPENAI_ID = /^[A-Za-z0-9_-]{1,40}$/;
const MISTRAL_ID = /^[A-Za-z0-9]{9}$/;

/**
 * Makes a tool call id acceptable to the host. Ids that already fit pass unchanged; others are replaced
 * by a digest of the original, so a call and its result (converted separately) still carry the same id.
 *
 * @example
 * wireToolCallId('toolu_01A09q90qw90lq917835lq9', 'openai'); // unchanged
 * wireToolCallId('functions.get_weather:0', 'openai');       // 'call_' + 24 hex digits
 */
export function wireToolCallId(id: string, style: ToolCallIdStyle = 'openai'): string {
  if (style === 'mistral') {
    if (MISTRAL_ID.test(id)) return id;
    // Base-36 keeps the digest to letters and digits.
    return BigInt(`0x${digest(id)}`)
      .toString(36)
      .slice(0, 9)
      .padStart(9, '0');
  }
  return OPENAI_ID.test(id) ? id : `call_${digest(id).slice(0, 24)}`;
}

function digest(text: string): string {
  return sha256Hex(text);
}
