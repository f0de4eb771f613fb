/**
 * Turns a conversation written by any provider's adapter into Anthropic's `system` + `messages`. History
 * crosses providers in a fallback, so nothing here assumes the history came from Anthropic: foreign
 * thinking becomes plain text (a foreign signature would be rejected), and foreign tool call ids are
 * rewritten to the characters Anthropic allows, the same way on the call and on its result.
 *
 * @example
 * const { system, messages } = convertMessages(history, 'anthropic');
 */

import type {
  DocumentContent,
  ImageContent,
  ModelMessage,
  ModelRequest,
  ModelResponse,
  ToolCallPart,
  UserContentItem,
} from '../../core/messages.ts';
import { toolCallArgs } from '../../core/messages.ts';
import { base64ToBytes, bytesToBase64, utf8ToBase64 } from '../../core/portable.ts';
import type {
  AnthropicAssistantBlockParam,
  AnthropicDocumentBlockParam,
  AnthropicImageBlockParam,
  AnthropicMessageParam,
  AnthropicSource,
  AnthropicUserBlockParam,
} from './api.ts';

export interface ConvertedMessages {
  /** System prompts joined by a blank line; undefined when there are none. */
  system: string | undefined;
  messages: AnthropicMessageParam[];
}

/**
 * @param ownProvider the `providerName` whose thinking signatures this model may send back (its own).
 */
export function convertMessages(history: ModelMessage[], ownProvider: string): ConvertedMessages {
  const systemParts: string[] = [];
  const messages: AnthropicMessageParam[] = [];
  for (const message of history) {
    if (message.kind === 'request') {
      const blocks = convertRequest(message, systemParts);
      if (blocks.length > 0) pushMerged(messages, { role: 'user', content: blocks });
    } else {
      const blocks = convertResponse(message, ownProvider);
      // An empty answer (a model that said nothing) cannot be sent: Anthropic rejects empty content.
      if (blocks.length > 0) pushMerged(messages, { role: 'assistant', content: blocks });
    }
  }
  return { system: systemParts.length > 0 ? systemParts.join('\n\n') : undefined, messages };
}

/**
 * Consecutive turns of one role become one turn: the API would combine them anyway, and
 * Anthropic-compatible hosts that insist on alternation then accept the request too.
 */
function pushMerged(messages: AnthropicMessageParam[], next: AnthropicMessageParam): void {
  const last = messages.at(-1);
  if (last?.role === 'user' && next.role === 'user') {
    // Tool results must open the user turn that follows the tool calls.
    const merged = [...last.content, ...next.content];
    last.content = [
      ...merged.filter((block) => block.type === 'tool_result'),
      ...merged.filter((block) => block.type !== 'tool_result'),
    ];
  } else if (last?.role === 'assistant' && next.role === 'assistant') {
    last.content.push(...next.content);
  } else {
    messages.push(next);
  }
}

function convertRequest(request: ModelRequest, systemParts: string[]): AnthropicUserBlockParam[] {
  const toolResults: AnthropicUserBlockParam[] = [];
  const others: AnthropicUserBlockParam[] = [];
  for (const part of request.parts) {
    switch (part.partKind) {
      case 'system-prompt':
        systemParts.push(part.content);
        break;
      case 'user-prompt':
        others.push(...convertUserContent(part.content));
        break;
      case 'tool-return':
        toolResults.push({
          type: 'tool_result',
          tool_use_id: anthropicToolCallId(part.toolCallId),
          content: typeof part.content === 'string' ? part.content : JSON.stringify(part.content),
          is_error: part.isError === true,
        });
        break;
      case 'retry-prompt':
        if (part.toolCallId !== undefined) {
          toolResults.push({
            type: 'tool_result',
            tool_use_id: anthropicToolCallId(part.toolCallId),
            content: `${part.content}\n\nFix the errors and try again.`,
            is_error: true,
          });
        } else {
          others.push({
            type: 'text',
            text: `Validation feedback:\n${part.content}\n\nFix the errors and try again.`,
          });
        }
        break;
    }
  }
  return [...toolResults, ...others];
}

function convertUserContent(content: string | UserContentItem[]): AnthropicUserBlockParam[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: AnthropicUserBlockParam[] = [];
  for (const item of content) {
    if (item.kind === 'text') {
      if (item.text !== '') blocks.push({ type: 'text', text: item.text });
    } else if (item.kind === 'image') {
      blocks.push(imageBlock(item));
    } else {
      blocks.push(documentBlock(item));
    }
  }
  return blocks;
}

function imageBlock(image: ImageContent): AnthropicImageBlockParam {
  if ('data' in image) {
    return { type: 'image', source: base64Source(image.mediaType, bytesToBase64(image.data)) };
  }
  const inline = parseDataUrl(image.url);
  return {
    type: 'image',
    source: inline ? base64Source(inline.mediaType, inline.base64) : { type: 'url', url: image.url },
  };
}

function documentBlock(document: DocumentContent): AnthropicDocumentBlockParam {
  let source: AnthropicSource;
  if ('data' in document) {
    source = documentSource(document.mediaType, document.data);
  } else {
    const inline = parseDataUrl(document.url);
    source = inline
      ? documentSource(inline.mediaType, base64ToBytes(inline.base64))
      : { type: 'url', url: document.url };
  }
  const block: AnthropicDocumentBlockParam = { type: 'document', source };
  if (document.name !== undefined) block.title = document.name;
  return block;
}

/** Text documents go as text (Anthropic reads them and can cite them); everything else (PDF) as base64. */
function documentSource(mediaType: string, data: Uint8Array): AnthropicSource {
  if (mediaType.startsWith('text/')) {
    return { type: 'text', media_type: 'text/plain', data: new TextDecoder().decode(data) };
  }
  return base64Source(mediaType, bytesToBase64(data));
}

function base64Source(mediaType: string, data: string): AnthropicSource {
  return { type: 'base64', media_type: mediaType, data };
}

/** `data:image/png;base64,AAAA` → its media type and base64 payload; undefined for other URLs. */
function parseDataUrl(url: string): { mediaType: string; base64: string } | undefined {
  const match = /^data:([^;,]+)(;[^,]*)?,(.*)$/s.exec(url);
  if (!match) return undefined;
  const [, mediaType, params, payload] = match;
  const isBase64 = params?.split(';').includes('base64') ?? false;
  const base64 = isBase64 ? payload! : utf8ToBase64(decodeURIComponent(payload!));
  return { mediaType: mediaType!, base64 };
}

function convertResponse(response: ModelResponse, ownProvider: string): AnthropicAssistantBlockParam[] {
  const blocks: AnthropicAssistantBlockParam[] = [];
  for (const part of response.parts) {
    switch (part.partKind) {
      case 'text':
        // Anthropic rejects empty text blocks.
        if (part.content !== '') blocks.push({ type: 'text', text: part.content });
        break;
      case 'tool-call':
        blocks.push({
          type: 'tool_use',
          id: anthropicToolCallId(part.toolCallId),
          name: part.toolName,
          input: toolInput(part),
        });
        break;
      case 'thinking': {
        const own =
          part.providerName === ownProvider && part.signature !== undefined && part.signature !== '';
        if (own && part.redacted) {
          blocks.push({ type: 'redacted_thinking', data: part.signature! });
        } else if (own) {
          blocks.push({ type: 'thinking', thinking: part.content, signature: part.signature! });
        } else if (part.content !== '' && !part.redacted) {
          // Another model's reasoning is still useful context, but only as text: its signature (if any)
          // means nothing to Anthropic and would be rejected.
          blocks.push({ type: 'text', text: `<thinking>\n${part.content}\n</thinking>` });
        }
        break;
      }
    }
  }
  return blocks;
}

/**
 * `tool_use.input` must be an object. Arguments another model sent as broken JSON are kept under
 * `INVALID_JSON` rather than dropped, so the model can see what went wrong.
 */
function toolInput(part: ToolCallPart): Record<string, unknown> {
  try {
    return toolCallArgs(part);
  } catch {
    return { INVALID_JSON: part.args };
  }
}

const VALID_TOOL_ID = /^[a-zA-Z0-9_-]+$/;

/**
 * Anthropic accepts tool call ids of letters, digits, `_` and `-` only. Ids from other providers
 * (`functions.get_weather:0`, ids with dots or slashes, empty ids) are rewritten deterministically, so a
 * call and its result still match; a short hash of the original keeps two rewritten ids distinct.
 *
 * @example
 * anthropicToolCallId('toolu_01A');               // 'toolu_01A' (unchanged)
 * anthropicToolCallId('functions.lookup:0');      // 'functions_lookup_0_<hash>'
 */
export function anthropicToolCallId(id: string): string {
  if (VALID_TOOL_ID.test(id)) return id;
  const cleaned = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return `${cleaned || 'call'}_${fnv1a(id)}`;
}

/** 32-bit FNV-1a as 8 hex digits: cheap, stable across runs and processes. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
