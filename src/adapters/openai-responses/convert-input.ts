/**
 * Turns a provider-independent history into Responses `instructions` + `input` items. The history may
 * come from any adapter: only this provider's own responses are sent back with their item ids and
 * encrypted reasoning; from anyone else, text and tool calls go as plain items and thinking is dropped
 * (another provider's reasoning means nothing to OpenAI, and its signature would be rejected).
 */
import { UserError } from '../../core/errors/index.ts';
import {
  type ModelMessage,
  type ModelRequestPart,
  type ModelResponse,
  toolCallArgsJson,
} from '../../core/messages.ts';
import {
  answerRetryText,
  toolRetryText,
  toolReturnText,
  type UserContentShapes,
  userPromptContent,
} from '../openai-input-content.ts';
import type { ResponsesInputContent, ResponsesInputItem } from './api.ts';

export interface ConvertedInput {
  /** System prompts joined by a blank line; undefined when there are none. */
  instructions: string | undefined;
  input: ResponsesInputItem[];
}

/**
 * Converts a history.
 *
 * @param ownProvider the `providerName` whose responses may be sent back with ids and encrypted reasoning.
 * @example
 * convertInput([{ kind: 'request', parts: [systemPrompt('Be brief.'), userPrompt('Hi')] }], 'openai-responses');
 * // { instructions: 'Be brief.', input: [{ role: 'user', content: 'Hi' }] }
 */
export function convertInput(messages: ModelMessage[], ownProvider: string): ConvertedInput {
  const system: string[] = [];
  const input: ResponsesInputItem[] = [];
  for (const message of messages) {
    if (message.kind === 'request') {
      for (const part of message.parts) {
        const item = convertRequestPart(part, system);
        if (item) input.push(item);
      }
    } else {
      input.push(...convertResponse(message, message.providerName === ownProvider));
    }
  }
  return { instructions: system.length > 0 ? system.join('\n\n') : undefined, input };
}

function convertRequestPart(part: ModelRequestPart, system: string[]): ResponsesInputItem | undefined {
  switch (part.partKind) {
    case 'system-prompt':
      system.push(part.content);
      return undefined;
    case 'user-prompt':
      return { role: 'user', content: userPromptContent(part.content, RESPONSES_CONTENT) };
    case 'tool-return':
      return { type: 'function_call_output', call_id: part.toolCallId, output: toolReturnText(part) };
    case 'retry-prompt':
      if (part.toolCallId !== undefined) {
        return { type: 'function_call_output', call_id: part.toolCallId, output: toolRetryText(part) };
      }
      return { role: 'user', content: answerRetryText(part) };
  }
}

function convertResponse(response: ModelResponse, own: boolean): ResponsesInputItem[] {
  const items: ResponsesInputItem[] = [];
  for (const part of response.parts) {
    switch (part.partKind) {
      case 'thinking':
        // OpenAI requires a reasoning item's id; without it (or from another provider) it cannot go back.
        if (own && part.id !== undefined) {
          const item: ResponsesInputItem = {
            type: 'reasoning',
            id: part.id,
            summary: part.content === '' ? [] : [{ type: 'summary_text', text: part.content }],
          };
          if (part.signature !== undefined) item.encrypted_content = part.signature;
          items.push(item);
        }
        break;
      case 'text':
        if (part.content === '') break;
        if (own && part.id !== undefined) {
          items.push({
            type: 'message',
            role: 'assistant',
            id: part.id,
            status: 'completed',
            content: [{ type: 'output_text', text: part.content, annotations: [] }],
          });
        } else {
          items.push({ role: 'assistant', content: part.content });
        }
        break;
      case 'tool-call': {
        const item: ResponsesInputItem = {
          type: 'function_call',
          call_id: part.toolCallId,
          name: part.toolName,
          arguments: toolCallArgsJson(part),
        };
        if (own && part.id !== undefined) item.id = part.id;
        items.push(item);
        break;
      }
    }
  }
  return items;
}

const RESPONSES_CONTENT: UserContentShapes<ResponsesInputContent> = {
  text: (text) => ({ type: 'input_text', text }),
  image: (url) => ({ type: 'input_image', image_url: url, detail: 'auto' }),
  file: (filename, fileData) => ({ type: 'input_file', filename, file_data: fileData }),
  url: (url) => {
    if (!/^https?:\/\//.test(url)) {
      throw new UserError(
        `OpenAI Responses takes documents by http(s) URL or bytes, not ${url.slice(0, 100)}`,
      );
    }
    // OpenAI fetches the file itself.
    return { type: 'input_file', file_url: url };
  },
};
