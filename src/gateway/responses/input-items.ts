/**
 * The input items of a Responses request as ModelMessage[]: `instructions`, system and developer messages
 * as system prompts, user messages with their images and files, assistant messages, function calls and
 * their outputs as tool parts, and sent-back reasoning as thinking for the provider that made it. An item
 * only OpenAI's service can resolve (an `item_reference`, a file id) or with no equivalent elsewhere is
 * refused, naming it.
 */
import type { ModelMessage, ModelRequestPart, ModelResponse, UserContentItem } from '../../core/messages.ts';
import { replayedResponse } from '../../core/messages.ts';
import type { UntranslatableField } from '../routing/chat-call.ts';
import { flatToolName } from './namespaced-tools.ts';
import { thinkingFromReasoning } from './reasoning-item.ts';
import { refused } from './refusal.ts';
import type { ResponsesInputItem, ResponsesRequest } from './request-schema.ts';

/** A sent-back assistant turn being assembled from consecutive output items. */
function newResponse(): ModelResponse {
  return replayedResponse();
}

/**
 * Input items in order. Consecutive user-side items share one ModelRequest and consecutive answer items
 * (assistant messages, function calls, reasoning) one ModelResponse, which is how every provider groups
 * a turn. An answer whose reasoning a provider signed carries that provider's name, the Responses
 * adapter's test for sending its own items back.
 */
export function toModelMessages(
  request: ResponsesRequest,
  untranslatable: UntranslatableField[],
): { messages: ModelMessage[]; characters: number } {
  const messages: ModelMessage[] = [];
  const toolNames = new Map<string, string>();
  let characters = 0;
  let pending: ModelRequestPart[] = [];
  let answer: ModelResponse | undefined;
  const flushRequest = (): void => {
    if (pending.length > 0) messages.push({ kind: 'request', parts: pending });
    pending = [];
  };
  const answerTurn = (): ModelResponse => {
    flushRequest();
    if (answer === undefined) {
      answer = newResponse();
      messages.push(answer);
    }
    return answer;
  };
  const requestSide = (part: ModelRequestPart): void => {
    answer = undefined;
    pending.push(part);
  };
  if (request.instructions) {
    characters += request.instructions.length;
    pending.push({ partKind: 'system-prompt', content: request.instructions });
  }
  const input = request.input;
  if (typeof input === 'string') {
    characters += input.length;
    requestSide({ partKind: 'user-prompt', content: input });
  } else {
    input.forEach((item, i) => {
      const where = `input[${i}]`;
      const read = readItem(item, where, toolNames, untranslatable);
      characters += read.characters;
      if (read.side === 'request') requestSide(read.part);
      else if (read.side === 'answer') {
        const turn = answerTurn();
        turn.parts.push(read.part);
        if (read.part.partKind === 'thinking' && read.part.providerName && turn.providerName === '')
          turn.providerName = read.part.providerName;
      }
    });
  }
  flushRequest();
  return { messages, characters };
}

const NOTHING = { side: 'none', characters: 0 } as const;

type ReadItem =
  | { side: 'request'; part: ModelRequestPart; characters: number }
  | { side: 'answer'; part: ModelResponse['parts'][number]; characters: number }
  | { side: 'none'; characters: 0 };

function readItem(
  item: ResponsesInputItem,
  where: string,
  toolNames: Map<string, string>,
  untranslatable: UntranslatableField[],
): ReadItem {
  if (
    'role' in item &&
    typeof item.role === 'string' &&
    (item.type === undefined || item.type === 'message')
  ) {
    return readMessage(item as MessageItem, where, untranslatable);
  }
  switch (item.type) {
    case 'function_call': {
      const call = item as Extract<ResponsesInputItem, { type: 'function_call' }>;
      const toolName = call.namespace ? flatToolName(call.namespace, call.name) : call.name;
      toolNames.set(call.call_id, toolName);
      return {
        side: 'answer',
        part: { partKind: 'tool-call', toolName, toolCallId: call.call_id, args: call.arguments },
        characters: call.arguments.length,
      };
    }
    case 'function_call_output': {
      const output = item as Extract<ResponsesInputItem, { type: 'function_call_output' }>;
      const content = toolOutputText(output.output, `${where}.output`, untranslatable);
      return {
        side: 'request',
        part: {
          partKind: 'tool-return',
          toolCallId: output.call_id,
          toolName: toolNames.get(output.call_id) ?? '',
          content,
        },
        characters: content.length,
      };
    }
    case 'reasoning': {
      const part = thinkingFromReasoning(item as Extract<ResponsesInputItem, { type: 'reasoning' }>);
      if (part === undefined) return { side: 'none', characters: 0 };
      return { side: 'answer', part, characters: part.content.length };
    }
    case 'item_reference':
      untranslatable.push({
        param: where,
        what: 'an item_reference to an item stored on OpenAI; send the item itself (the AI SDK does with providerOptions: { openai: { store: false } })',
      });
      return NOTHING;
    default:
      untranslatable.push({ param: where, what: `an item of type ${item.type}` });
      return NOTHING;
  }
}

type MessageItem = Extract<ResponsesInputItem, { role: string }>;

function readMessage(item: MessageItem, where: string, untranslatable: UntranslatableField[]): ReadItem {
  const content = item.content;
  if (item.role === 'system' || item.role === 'developer') {
    const text = joinText(content, `${where}.content`, untranslatable);
    return { side: 'request', part: { partKind: 'system-prompt', content: text }, characters: text.length };
  }
  if (item.role === 'assistant') {
    const text = joinText(content, `${where}.content`, untranslatable);
    if (text === '') return { side: 'none', characters: 0 };
    return { side: 'answer', part: { partKind: 'text', content: text }, characters: text.length };
  }
  if (typeof content === 'string') {
    return { side: 'request', part: { partKind: 'user-prompt', content }, characters: content.length };
  }
  let characters = 0;
  const items: UserContentItem[] = [];
  content.forEach((part, j) => {
    const at = `${where}.content[${j}]`;
    if (part.type === 'input_text' || part.type === 'output_text') {
      characters += part.text.length;
      items.push({ kind: 'text', text: part.text });
    } else if (part.type === 'input_image') {
      if (part.image_url) items.push({ kind: 'image', url: part.image_url });
      else untranslatable.push(storedFile(at));
    } else if (part.type === 'input_file') {
      const file = fileItem(part, at);
      if (file) items.push(file);
      else untranslatable.push(storedFile(at));
    } else throw refused(`${at}.type`, 'a refusal belongs to an assistant message', 'send it as one');
  });
  return { side: 'request', part: { partKind: 'user-prompt', content: items }, characters };
}

/** A part naming a file by its OpenAI file id. */
function storedFile(at: string): UntranslatableField {
  return { param: `${at}.file_id`, what: 'a file stored on OpenAI; send the file itself' };
}

/** A file part as a document; undefined for one given by file id. */
function fileItem(
  part: { file_data?: string | null; file_url?: string | null; filename?: string | null },
  at: string,
): UserContentItem | undefined {
  const name = part.filename ?? undefined;
  if (part.file_data) {
    if (!part.file_data.startsWith('data:'))
      throw refused(`${at}.file_data`, 'file_data is not a data: URL', 'send data:<media type>;base64,...');
    return name === undefined
      ? { kind: 'document', url: part.file_data }
      : { kind: 'document', url: part.file_data, name };
  }
  if (part.file_url)
    return name === undefined
      ? { kind: 'document', url: part.file_url }
      : { kind: 'document', url: part.file_url, name };
  return undefined;
}

/** A message's text: a string, or its text parts joined (an assistant's refusal counts as its text). */
function joinText(
  content: MessageItem['content'],
  where: string,
  untranslatable: UntranslatableField[],
): string {
  if (typeof content === 'string') return content;
  let text = '';
  content.forEach((part, j) => {
    if (part.type === 'input_text' || part.type === 'output_text') text += part.text;
    else if (part.type === 'refusal') text += part.refusal;
    else untranslatable.push({ param: `${where}[${j}]`, what: `an ${part.type} outside a user message` });
  });
  return text;
}

/** A function call's output as text; an image or file in an output is untranslatable. */
function toolOutputText(
  output: string | Array<{ type: string; text?: string }>,
  where: string,
  untranslatable: UntranslatableField[],
): string {
  if (typeof output === 'string') return output;
  let text = '';
  output.forEach((part, j) => {
    if (part.type === 'input_text') text += part.text ?? '';
    else untranslatable.push({ param: `${where}[${j}]`, what: `an ${part.type} in a function output` });
  });
  return text;
}
