/**
 * Reads an OpenAI Responses request into a ResponsesCall: the input items as ModelMessage[] (developer and
 * system messages and `instructions` as system prompts, function calls and their outputs as tool parts,
 * sent-back reasoning as thinking), the settings, the function tools, `text.format` as an output tool, and
 * what the answer must echo. What only OpenAI's own service can do — a stored previous response, a hosted
 * tool, a file id — is refused with a 400 that names the field and says what to send instead, never
 * dropped.
 *
 * @example
 * const call = parseResponsesRequest({ model: 'openai:gpt-5', input: 'Hi', instructions: 'Be brief.' });
 * call.messages // [{ kind: 'request', parts: [system-prompt 'Be brief.', user-prompt 'Hi'] }]
 */
import type { ModelMessage, ModelRequestPart, ModelResponse, UserContentItem } from '../../core/messages.ts';
import type { ModelRequestParameters, ToolDefinition } from '../../core/model.ts';
import type { ModelSettings } from '../../core/settings.ts';
import { emptyUsage } from '../../core/usage.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { invalidRequest } from '../errors/zod-issue.ts';
import { thinkingFromReasoning } from './reasoning-item.ts';
import {
  type ResponsesInputItem,
  type ResponsesRequest,
  type ResponsesToolIn,
  responsesRequestSchema,
} from './request-schema.ts';
import type { ResponsesCall } from './responses-call.ts';

/** The only `include` value that changes what a translated answer holds; the rest name OpenAI-hosted data. */
const ENCRYPTED_REASONING = 'reasoning.encrypted_content';

export function parseResponsesRequest(body: unknown): ResponsesCall {
  const parsed = responsesRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidRequest(parsed.error);
  const request = parsed.data;
  refuseServerState(request);
  const include = request.include ?? [];
  include.forEach((value, i) => {
    if (value !== ENCRYPTED_REASONING)
      throw refused(
        `include[${i}]`,
        `'${value}' asks for data only OpenAI's hosted tools produce`,
        'include only "reasoning.encrypted_content"',
      );
  });
  const { messages, characters } = toModelMessages(request);
  const { params, outputToolName } = toRequestParameters(request);
  return {
    modelIds: [request.model, ...(request.models ?? [])],
    messages,
    settings: toSettings(request),
    params,
    stream: request.stream === true,
    includeUsage: true,
    outputToolName,
    estimatedInputTokens: Math.ceil(characters / 4),
    includeEncryptedReasoning: include.includes(ENCRYPTED_REASONING),
    echoJson: echoJson(request),
  };
}

/** The request fields a `response` object restates, in OpenAI's order, as JSON object members. */
function echoJson(request: ResponsesRequest): string {
  const json = JSON.stringify;
  const reasoning = {
    effort: request.reasoning?.effort ?? null,
    summary: request.reasoning?.summary ?? request.reasoning?.generate_summary ?? null,
  };
  return (
    `"instructions":${json(request.instructions ?? null)},"max_output_tokens":${json(request.max_output_tokens ?? null)},` +
    `"parallel_tool_calls":${request.parallel_tool_calls ?? true},"previous_response_id":null,` +
    `"reasoning":${json(reasoning)},"store":false,"temperature":${json(request.temperature ?? null)},` +
    `"text":{"format":${json(request.text?.format ?? { type: 'text' })}},"tool_choice":${json(request.tool_choice ?? 'auto')},` +
    `"tools":${json(request.tools ?? [])},"top_p":${json(request.top_p ?? null)},"truncation":"disabled"`
  );
}

/** A 400 for a field the gateway cannot serve: what is wrong with it, and what to send instead. */
function refused(param: string, why: string, fix: string): GatewayError {
  return new GatewayError(400, 'invalid_request', `${param}: ${why}; ${fix}.`, { param });
}

/** The gateway keeps no responses, conversations or background runs: say so, and how to do without. */
function refuseServerState(request: ResponsesRequest): void {
  if (request.previous_response_id) {
    throw new GatewayError(
      400,
      'invalid_request',
      'previous_response_id: this gateway stores no responses, so it cannot continue one by id. Send the whole conversation in `input` (with `store: false` and `include: ["reasoning.encrypted_content"]` to keep reasoning across turns), as Codex does.',
      { param: 'previous_response_id' },
    );
  }
  if (request.conversation != null)
    throw refused('conversation', 'a stored conversation lives on OpenAI', 'send its items in `input`');
  if (request.background === true)
    throw refused('background', 'background responses are stored and polled on OpenAI', 'stream instead');
  if (request.prompt != null)
    throw refused('prompt', 'a prompt template is stored on OpenAI', 'send its text in `instructions`');
  if (request.max_tool_calls != null)
    throw refused(
      'max_tool_calls',
      'it limits hosted tool calls, which no upstream here runs',
      'leave it out',
    );
  if (request.top_logprobs)
    throw refused('top_logprobs', 'log probabilities are not translated', 'leave it out');
}

function toSettings(request: ResponsesRequest): ModelSettings {
  const settings: ModelSettings = {};
  if (request.max_output_tokens != null) settings.maxTokens = request.max_output_tokens;
  if (request.temperature != null) settings.temperature = request.temperature;
  if (request.top_p != null) settings.topP = request.top_p;
  if (request.parallel_tool_calls != null) settings.parallelToolCalls = request.parallel_tool_calls;
  const effort = request.reasoning?.effort;
  if (effort === 'none') settings.thinking = false;
  else if (effort != null) settings.thinking = effort;
  return settings;
}

/** The output tool that carries a `text.format: json_object` answer. */
const JSON_OBJECT_TOOL = 'json_answer';

function functionTools(tools: ResponsesRequest['tools']): ToolDefinition[] {
  const definitions: ToolDefinition[] = [];
  (tools ?? []).forEach((tool, i) => {
    if (tool.type !== 'function') {
      throw refused(
        `tools[${i}].type`,
        `'${tool.type}' is not a function tool (a tool OpenAI runs on its side, a custom or a namespace tool), and only function tools translate to every upstream`,
        'turn it off in the client (Codex: web_search = "disabled", and [agents] enabled = false for its namespace of sub-agent tools)',
      );
    }
    const fn = tool as ResponsesToolIn;
    const definition: ToolDefinition = {
      name: fn.name,
      parametersJsonSchema: fn.parameters ?? { type: 'object', properties: {} },
    };
    if (fn.description != null) definition.description = fn.description;
    if (fn.strict != null) definition.strict = fn.strict;
    definitions.push(definition);
  });
  return definitions;
}

function toRequestParameters(request: ResponsesRequest): {
  params: ModelRequestParameters;
  outputToolName: string | undefined;
} {
  let tools = functionTools(request.tools);
  let allowTextOutput = true;
  const choice = request.tool_choice;
  if (choice === 'none') tools = [];
  else if (choice === 'required') allowTextOutput = tools.length === 0;
  else if (choice != null && typeof choice === 'object') {
    if (choice.type !== 'function' || typeof choice.name !== 'string') {
      throw refused(
        'tool_choice.type',
        `'${choice.type}' chooses a tool kind only OpenAI runs`,
        'name a function, or send auto, none or required',
      );
    }
    const name = choice.name;
    tools = tools.filter((t) => t.name === name);
    if (tools.length === 0) {
      throw new GatewayError(400, 'invalid_request', `tool_choice names '${name}', which is not in tools.`, {
        param: 'tool_choice.name',
      });
    }
    allowTextOutput = false;
  }
  const outputTools: ToolDefinition[] = [];
  let outputToolName: string | undefined;
  const format = request.text?.format;
  if (format?.type === 'json_schema') {
    const definition: ToolDefinition = { name: format.name, parametersJsonSchema: format.schema };
    if (format.description != null) definition.description = format.description;
    if (format.strict != null) definition.strict = format.strict;
    outputTools.push(definition);
    outputToolName = format.name;
  } else if (format?.type === 'json_object') {
    let name = JSON_OBJECT_TOOL;
    for (let n = 2; tools.some((t) => t.name === name); n++) name = `${JSON_OBJECT_TOOL}_${n}`;
    outputTools.push({
      name,
      description: 'Give your answer as a JSON object.',
      parametersJsonSchema: { type: 'object' },
    });
    outputToolName = name;
  }
  if (outputToolName !== undefined && tools.length === 0) allowTextOutput = false;
  return { params: { functionTools: tools, outputTools, allowTextOutput }, outputToolName };
}

/** A sent-back assistant turn being assembled from consecutive output items. */
function newResponse(): ModelResponse {
  return {
    kind: 'response',
    parts: [],
    usage: emptyUsage(),
    modelName: '',
    providerName: '',
    timestamp: new Date(0),
  };
}

/**
 * Input items in order. Consecutive user-side items share one ModelRequest and consecutive answer items
 * (assistant messages, function calls, reasoning) one ModelResponse, which is how every provider groups
 * a turn. An answer whose reasoning a provider signed carries that provider's name, the Responses
 * adapter's test for sending its own items back.
 */
function toModelMessages(request: ResponsesRequest): { messages: ModelMessage[]; characters: number } {
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
      const read = readItem(item, where, toolNames);
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

type ReadItem =
  | { side: 'request'; part: ModelRequestPart; characters: number }
  | { side: 'answer'; part: ModelResponse['parts'][number]; characters: number }
  | { side: 'none'; characters: 0 };

function readItem(item: ResponsesInputItem, where: string, toolNames: Map<string, string>): ReadItem {
  if (
    'role' in item &&
    typeof item.role === 'string' &&
    (item.type === undefined || item.type === 'message')
  ) {
    return readMessage(item as MessageItem, where);
  }
  switch (item.type) {
    case 'function_call': {
      const call = item as Extract<ResponsesInputItem, { type: 'function_call' }>;
      toolNames.set(call.call_id, call.name);
      return {
        side: 'answer',
        part: { partKind: 'tool-call', toolName: call.name, toolCallId: call.call_id, args: call.arguments },
        characters: call.arguments.length,
      };
    }
    case 'function_call_output': {
      const output = item as Extract<ResponsesInputItem, { type: 'function_call_output' }>;
      const content = toolOutputText(output.output, `${where}.output`);
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
      throw refused(
        `${where}.type`,
        'an item_reference points at an item stored on OpenAI, and this gateway stores nothing',
        'send the item itself (the AI SDK does with providerOptions: { openai: { store: false } })',
      );
    default:
      throw refused(
        `${where}.type`,
        `'${item.type}' items are not translated (messages, function calls and their outputs, and reasoning are)`,
        'leave them out of input',
      );
  }
}

type MessageItem = Extract<ResponsesInputItem, { role: string }>;

function readMessage(item: MessageItem, where: string): ReadItem {
  const content = item.content;
  if (item.role === 'system' || item.role === 'developer') {
    const text = joinText(content, `${where}.content`);
    return { side: 'request', part: { partKind: 'system-prompt', content: text }, characters: text.length };
  }
  if (item.role === 'assistant') {
    const text = joinText(content, `${where}.content`);
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
      if (!part.image_url)
        throw refused(`${at}.file_id`, 'a file id names a file stored on OpenAI', 'send image_url');
      items.push({ kind: 'image', url: part.image_url });
    } else if (part.type === 'input_file') items.push(fileItem(part, at));
    else throw refused(`${at}.type`, 'a refusal belongs to an assistant message', 'send it as one');
  });
  return { side: 'request', part: { partKind: 'user-prompt', content: items }, characters };
}

function fileItem(
  part: { file_data?: string | null; file_url?: string | null; filename?: string | null },
  at: string,
): UserContentItem {
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
  throw refused(`${at}.file_id`, 'a file id names a file stored on OpenAI', 'send file_data or file_url');
}

/** A message's text: a string, or its text parts joined (an assistant's refusal counts as its text). */
function joinText(content: MessageItem['content'], where: string): string {
  if (typeof content === 'string') return content;
  let text = '';
  content.forEach((part, j) => {
    if (part.type === 'input_text' || part.type === 'output_text') text += part.text;
    else if (part.type === 'refusal') text += part.refusal;
    else
      throw refused(
        `${where}[${j}].type`,
        `'${part.type}' is not text, and only user messages carry images and files`,
        'send text',
      );
  });
  return text;
}

/** A function call's output as text; images and files in an output are refused (no upstream takes all). */
function toolOutputText(output: string | Array<{ type: string; text?: string }>, where: string): string {
  if (typeof output === 'string') return output;
  let text = '';
  output.forEach((part, j) => {
    if (part.type !== 'input_text')
      throw refused(
        `${where}[${j}].type`,
        `'${part.type}' in a function output is not translated`,
        'send the output as text',
      );
    text += part.text ?? '';
  });
  return text;
}
