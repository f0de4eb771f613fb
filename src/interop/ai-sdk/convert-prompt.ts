/**
 * Conversations between our messages and the AI SDK's `LanguageModelV4Prompt`, both ways: `fromAISDK`
 * sends ours to an AI SDK model, `toAISDK` reads the AI SDK's into ours. Only types come from
 * `@ai-sdk/provider`, so it stays an optional dependency.
 *
 * @example
 * const prompt = toAISDKPrompt([{ kind: 'request', parts: [systemPrompt('Be brief.'), userPrompt('Hi')] }]);
 * // [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'Hi' }] }]
 */

import type {
  LanguageModelV4FilePart,
  LanguageModelV4Message,
  LanguageModelV4Prompt,
  LanguageModelV4TextPart,
  LanguageModelV4ToolResultOutput,
} from '@ai-sdk/provider';
import type {
  ModelMessage,
  ModelRequestPart,
  ModelResponse,
  ModelResponsePart,
  UserContentItem,
} from '../../core/messages.ts';
import { replayedResponse, toolCallArgs } from '../../core/messages.ts';
import { base64ToBytes } from '../../core/portable.ts';

// ---------------------------------------------------------------- ours → AI SDK

export function toAISDKPrompt(messages: readonly ModelMessage[]): LanguageModelV4Prompt {
  const prompt: LanguageModelV4Prompt = [];
  // Consecutive parts for the same role join one message, as providers expect.
  const push = (message: LanguageModelV4Message) => {
    const last = prompt.at(-1);
    if (last && last.role === message.role && last.role !== 'system' && message.role !== 'system') {
      (last.content as unknown[]).push(...(message.content as unknown[]));
    } else {
      prompt.push(message);
    }
  };
  for (const message of messages) {
    if (message.kind === 'response') {
      push({ role: 'assistant', content: message.parts.flatMap(assistantPart) });
      continue;
    }
    for (const part of message.parts) push(requestMessage(part));
  }
  return prompt;
}

function requestMessage(part: ModelRequestPart): LanguageModelV4Message {
  switch (part.partKind) {
    case 'system-prompt':
      return { role: 'system', content: part.content };
    case 'user-prompt':
      return {
        role: 'user',
        content:
          typeof part.content === 'string'
            ? [{ type: 'text', text: part.content }]
            : part.content.map(userItem),
      };
    case 'tool-return': {
      const output: LanguageModelV4ToolResultOutput =
        typeof part.content === 'string'
          ? { type: 'text', value: part.content }
          : { type: 'json', value: (part.content ?? null) as never };
      return {
        role: 'tool',
        content: [{ type: 'tool-result', toolCallId: part.toolCallId, toolName: part.toolName, output }],
      };
    }
    case 'retry-prompt':
      if (part.toolName !== undefined && part.toolCallId !== undefined) {
        return {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              output: { type: 'error-text', value: part.content },
            },
          ],
        };
      }
      return { role: 'user', content: [{ type: 'text', text: part.content }] };
  }
}

function userItem(item: UserContentItem): LanguageModelV4TextPart | LanguageModelV4FilePart {
  if (item.kind === 'text') return { type: 'text', text: item.text };
  const mediaType = item.mediaType ?? (item.kind === 'image' ? 'image/*' : 'application/octet-stream');
  const data =
    'url' in item
      ? { type: 'url' as const, url: new URL(item.url) }
      : { type: 'data' as const, data: item.data };
  const file: LanguageModelV4FilePart = { type: 'file', data, mediaType };
  if (item.kind === 'document' && item.name !== undefined) file.filename = item.name;
  return file;
}

type AssistantContent = Extract<LanguageModelV4Message, { role: 'assistant' }>['content'];

function assistantPart(part: ModelResponsePart): AssistantContent {
  switch (part.partKind) {
    case 'text':
      return [{ type: 'text', text: part.content }];
    case 'tool-call':
      return [
        {
          type: 'tool-call',
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          input: toolCallArgs(part),
        },
      ];
    case 'thinking':
      // Redacted or signed reasoning only means something to the provider that made it.
      return part.redacted || part.content === '' ? [] : [{ type: 'reasoning', text: part.content }];
  }
}

// ---------------------------------------------------------------- AI SDK → ours

export function fromAISDKPrompt(prompt: LanguageModelV4Prompt): ModelMessage[] {
  const messages: ModelMessage[] = [];
  const pushRequestPart = (part: ModelRequestPart) => {
    const last = messages.at(-1);
    if (last?.kind === 'request') last.parts.push(part);
    else messages.push({ kind: 'request', parts: [part] });
  };
  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        pushRequestPart({ partKind: 'system-prompt', content: message.content });
        break;
      case 'user': {
        const items = message.content.map(userItemFrom);
        const onlyText = items.length === 1 && items[0]!.kind === 'text';
        pushRequestPart({
          partKind: 'user-prompt',
          content: onlyText ? (items[0] as { text: string }).text : items,
        });
        break;
      }
      case 'assistant':
        messages.push(assistantResponse(message.content));
        break;
      case 'tool':
        for (const part of message.content) {
          if (part.type !== 'tool-result') continue;
          pushRequestPart(toolResultPart(part.toolCallId, part.toolName, part.output));
        }
        break;
    }
  }
  return messages;
}

function userItemFrom(part: LanguageModelV4TextPart | LanguageModelV4FilePart): UserContentItem {
  if (part.type === 'text') return { kind: 'text', text: part.text };
  const isImage = part.mediaType.startsWith('image/');
  const data = part.data;
  if (data.type === 'url') {
    const url = data.url.toString();
    return isImage
      ? { kind: 'image', url, mediaType: part.mediaType }
      : {
          kind: 'document',
          url,
          mediaType: part.mediaType,
          ...(part.filename ? { name: part.filename } : {}),
        };
  }
  if (data.type === 'data') {
    const bytes = new Uint8Array(typeof data.data === 'string' ? base64ToBytes(data.data) : data.data);
    return isImage
      ? { kind: 'image', data: bytes, mediaType: part.mediaType }
      : {
          kind: 'document',
          data: bytes,
          mediaType: part.mediaType,
          ...(part.filename ? { name: part.filename } : {}),
        };
  }
  if (data.type === 'text') return { kind: 'text', text: data.text };
  return { kind: 'text', text: `[file reference ${JSON.stringify(data.reference)}]` };
}

function assistantResponse(content: AssistantContent): ModelResponse {
  const parts: ModelResponsePart[] = [];
  for (const part of content) {
    if (part.type === 'text') parts.push({ partKind: 'text', content: part.text });
    else if (part.type === 'reasoning') parts.push({ partKind: 'thinking', content: part.text });
    else if (part.type === 'tool-call' && !part.providerExecuted) {
      parts.push({
        partKind: 'tool-call',
        toolCallId: part.toolCallId,
        toolName: part.toolName,
        args: typeof part.input === 'string' ? part.input : JSON.stringify(part.input ?? {}),
      });
    }
  }
  return replayedResponse(parts);
}

function toolResultPart(
  toolCallId: string,
  toolName: string,
  output: LanguageModelV4ToolResultOutput,
): ModelRequestPart {
  switch (output.type) {
    case 'text':
    case 'json':
      return { partKind: 'tool-return', toolCallId, toolName, content: output.value };
    case 'error-text':
      return { partKind: 'retry-prompt', toolCallId, toolName, content: output.value };
    case 'error-json':
      return { partKind: 'retry-prompt', toolCallId, toolName, content: JSON.stringify(output.value) };
    case 'execution-denied':
      return {
        partKind: 'tool-return',
        toolCallId,
        toolName,
        content: `Tool execution denied${output.reason ? `: ${output.reason}` : ''}`,
      };
    case 'content':
      return {
        partKind: 'tool-return',
        toolCallId,
        toolName,
        content: output.value.map((item) => (item.type === 'text' ? item.text : `[${item.type}]`)).join(''),
      };
  }
}
