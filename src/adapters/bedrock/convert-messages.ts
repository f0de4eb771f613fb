/**
 * Turns a provider-independent history into Converse `system` + `messages`. Histories cross providers in
 * a fallback, so nothing here assumes Bedrock wrote them: reasoning goes back signed only to the provider
 * that signed it; anyone else's thinking becomes `<thinking>` text (a foreign signature is rejected).
 * Consecutive turns of one role are merged, since Converse requires user and assistant to alternate.
 */

import { UserError } from '../../core/errors/index.ts';
import {
  type DocumentContent,
  type ImageContent,
  type ModelMessage,
  type ModelRequestPart,
  type ModelResponse,
  toolCallArgs,
  type UserContentItem,
} from '../../core/messages.ts';
import { bytesToBase64, utf8ToBase64 } from '../../core/portable.ts';
import type {
  BedrockContentBlock,
  BedrockDocumentFormat,
  BedrockImageFormat,
  BedrockMessage,
  BedrockToolResultContent,
} from './api.ts';

export interface ConvertedMessages {
  system: Array<{ text: string }>;
  messages: BedrockMessage[];
}

/**
 * Converts a history.
 *
 * @param ownProvider the `providerName` whose reasoning signatures this model may send back.
 * @example
 * convertMessages([{ kind: 'request', parts: [systemPrompt('Be brief.'), userPrompt('Hi')] }], 'bedrock');
 * // { system: [{ text: 'Be brief.' }], messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }
 */
export function convertMessages(history: ModelMessage[], ownProvider: string): ConvertedMessages {
  const system: Array<{ text: string }> = [];
  const messages: BedrockMessage[] = [];
  // Unnamed documents are numbered from 1 in each request, so the same history gives the same body.
  documentCounter = 0;
  for (const message of history) {
    if (message.kind === 'request') {
      const content: BedrockContentBlock[] = [];
      for (const part of message.parts) content.push(...convertRequestPart(part, system));
      if (content.length > 0) push(messages, { role: 'user', content });
    } else {
      const content = convertResponse(message, message.providerName === ownProvider);
      // Converse rejects an empty content list: a response that said nothing is left out.
      if (content.length > 0) push(messages, { role: 'assistant', content });
    }
  }
  return { system, messages };
}

function push(messages: BedrockMessage[], next: BedrockMessage): void {
  const last = messages.at(-1);
  if (last?.role !== next.role) {
    messages.push(next);
    return;
  }
  last.content.push(...next.content);
  if (next.role === 'user') {
    // Tool results must open the user turn that follows the tool calls.
    const isResult = (block: BedrockContentBlock) => 'toolResult' in block;
    last.content = [...last.content.filter(isResult), ...last.content.filter((b) => !isResult(b))];
  }
}

function convertRequestPart(part: ModelRequestPart, system: Array<{ text: string }>): BedrockContentBlock[] {
  switch (part.partKind) {
    case 'system-prompt':
      if (part.content !== '') system.push({ text: part.content });
      return [];
    case 'user-prompt':
      return typeof part.content === 'string'
        ? [{ text: part.content }]
        : part.content.map(convertUserContent);
    case 'tool-return':
      return [
        {
          toolResult: {
            toolUseId: part.toolCallId,
            content: [toolResultContent(part.content)],
            status: 'success',
          },
        },
      ];
    case 'retry-prompt':
      if (part.toolCallId !== undefined) {
        return [
          {
            toolResult: {
              toolUseId: part.toolCallId,
              content: [{ text: `${part.content}\n\nCorrect the call and try again.` }],
              status: 'error',
            },
          },
        ];
      }
      return [{ text: `${part.content}\n\nCorrect your answer and try again.` }];
  }
}

/** Strings go as text; objects as JSON (Converse's `json` block takes an object, not an array or scalar). */
function toolResultContent(content: unknown): BedrockToolResultContent {
  if (typeof content === 'string') return { text: content };
  if (content !== null && typeof content === 'object' && !Array.isArray(content)) return { json: content };
  return { text: JSON.stringify(content ?? null) };
}

function convertResponse(response: ModelResponse, own: boolean): BedrockContentBlock[] {
  const blocks: BedrockContentBlock[] = [];
  for (const part of response.parts) {
    switch (part.partKind) {
      case 'text':
        if (part.content !== '') blocks.push({ text: part.content });
        break;
      case 'tool-call':
        blocks.push({
          toolUse: { toolUseId: part.toolCallId, name: part.toolName, input: toolCallArgs(part) },
        });
        break;
      case 'thinking':
        if (own && part.redacted && part.signature) {
          blocks.push({ reasoningContent: { redactedContent: part.signature } });
        } else if (own && part.signature) {
          blocks.push({
            reasoningContent: { reasoningText: { text: part.content, signature: part.signature } },
          });
        } else if (part.content !== '') {
          blocks.push({ text: `<thinking>\n${part.content}\n</thinking>` });
        }
        break;
    }
  }
  return blocks;
}

function convertUserContent(item: UserContentItem): BedrockContentBlock {
  switch (item.kind) {
    case 'text':
      return { text: item.text };
    case 'image':
      return convertImage(item);
    case 'document':
      return convertDocument(item);
  }
}

const IMAGE_FORMATS: Record<string, BedrockImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const DOCUMENT_FORMATS: Record<string, BedrockDocumentFormat> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

function convertImage(item: ImageContent): BedrockContentBlock {
  const { mediaType, base64 } = bytesOf(item, 'image');
  const format = IMAGE_FORMATS[mediaType];
  if (!format) throw new UserError(`Bedrock Converse does not take images of type ${mediaType}.`);
  return { image: { format, source: { bytes: base64 } } };
}

let documentCounter = 0;

function convertDocument(item: DocumentContent): BedrockContentBlock {
  const { mediaType, base64 } = bytesOf(item, 'document');
  const format = DOCUMENT_FORMATS[mediaType];
  if (!format) throw new UserError(`Bedrock Converse does not take documents of type ${mediaType}.`);
  // Names allow letters, digits, spaces, hyphens, parentheses and brackets only, and must be unique.
  const name =
    (item.name ?? '').replace(/[^A-Za-z0-9 \-()[\]]/g, ' ').trim() || `Document ${++documentCounter}`;
  return { document: { format, name, source: { bytes: base64 } } };
}

/** Converse takes media as bytes (or S3, which we do not offer): a `data:` URL is decoded, a web URL refused. */
function bytesOf(item: ImageContent | DocumentContent, what: string): { mediaType: string; base64: string } {
  if ('data' in item) {
    return {
      mediaType: item.mediaType,
      base64: bytesToBase64(item.data),
    };
  }
  const match = /^data:([^;,]+)(;base64)?,(.*)$/s.exec(item.url);
  if (!match) {
    throw new UserError(
      `Bedrock Converse cannot fetch a ${what} by URL (${item.url.slice(0, 100)}); pass its bytes with a mediaType instead.`,
    );
  }
  const base64 = match[2] ? match[3]! : utf8ToBase64(decodeURIComponent(match[3]!));
  return { mediaType: item.mediaType ?? match[1]!, base64 };
}
