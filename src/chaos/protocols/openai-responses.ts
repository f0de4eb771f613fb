/**
 * The OpenAI Responses emulator: `POST /v1/responses`, OpenAI's 400 bodies for a missing model or a bad
 * input or token limit, its error bodies per status, `response` objects (a `message` item or
 * `function_call` items, usage, `completed` / `incomplete` status) and the SSE event sequence
 * response.created … response.completed, shaped after the recorded Responses exchanges.
 *
 * In-band failures: an `error` event (the SDK's `ResponseErrorEvent`, code and message at the top level)
 * followed by `response.failed`, the terminal event of a failed response. A content-filter finish is a
 * `response.incomplete` with `incomplete_details.reason: content_filter`; a token-limit finish is the same
 * with `max_output_tokens`.
 */
import type { Answer, AnswerFinish, ToolOffer } from '../answers.ts';
import { countTokens, jsonSchemaFormat } from '../answers.ts';
import {
  error,
  invalid,
  NO_MODEL,
  PARSE_ERROR,
  RESPONSES_ERROR_EVENTS,
  responsesStatusReply,
  SERVER_ERROR,
} from './openai-responses-errors.ts';
import {
  type ChaosRequest,
  isObject,
  jsonReply,
  jsonTypeName,
  makeId,
  type ProtocolEmulator,
  type RouteMatch,
  type StreamScript,
} from './protocol.ts';

const JSON_HEADERS = ['content-type', 'application/json', 'openai-version', '2020-10-01'];
const SSE_HEADERS = ['content-type', 'text/event-stream; charset=utf-8', 'openai-version', '2020-10-01'];
const ROUTE = { kind: 'route', model: undefined, stream: undefined, sse: true } as const satisfies RouteMatch;
/** OpenAI's floor for `max_output_tokens`. */
const MIN_OUTPUT_TOKENS = 16;

/** What the echo fields of a `response` object need from the request (beyond `ChaosRequest`). */
interface ResponsesRequest extends ChaosRequest {
  echo: {
    instructions: unknown;
    maxOutputTokens: unknown;
    toolChoice: unknown;
    tools: unknown;
    temperature: unknown;
    topP: unknown;
  };
}

/** The text of a Responses content value: a string, or its `input_text` / `output_text` parts. */
function itemText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (!isObject(part) || typeof part.text !== 'string') continue;
    if (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') {
      text = text === '' ? part.text : `${text}\n${part.text}`;
    }
  }
  return text;
}

function toolOffers(tools: unknown, choice: unknown): { offers: ToolOffer[]; forced: string | undefined } {
  if (!Array.isArray(tools) || tools.length === 0 || choice === 'none')
    return { offers: [], forced: undefined };
  const offers: ToolOffer[] = [];
  for (const tool of tools) {
    // Built-in tools (web_search, file_search...) run on OpenAI's side: only functions come back as calls.
    if (isObject(tool) && tool.type === 'function' && typeof tool.name === 'string') {
      offers.push({ name: tool.name, schema: tool.parameters });
    }
  }
  const forced =
    isObject(choice) && choice.type === 'function' && typeof choice.name === 'string'
      ? choice.name
      : undefined;
  return { offers, forced };
}

function usageOf(request: ChaosRequest, outputTokens: number) {
  return {
    input_tokens: request.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: request.inputTokens + outputTokens,
  };
}

const INCOMPLETE_REASON: Partial<Record<AnswerFinish, string>> = {
  length: 'max_output_tokens',
  'content-filter': 'content_filter',
};

/** Ids and items of one answer, built once and shared by the JSON body and the stream. */
function outputItems(answer: Answer) {
  const done = answer.finish === 'stop' || answer.finish === 'tool' ? 'completed' : 'incomplete';
  const messageId = makeId('msg_', 48);
  const calls = answer.toolCalls.map((call) => ({
    id: makeId('fc_', 48),
    type: 'function_call',
    status: 'completed',
    arguments: call.argumentsJson,
    call_id: makeId('call_', 24),
    name: call.name,
  }));
  // A filter that struck before any text leaves no message at all.
  const hasMessage = calls.length === 0 && !(answer.finish === 'content-filter' && answer.text === '');
  const message = hasMessage
    ? {
        id: messageId,
        type: 'message',
        status: done,
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: answer.text }],
        role: 'assistant',
      }
    : undefined;
  return { message, calls, messageId };
}

function responseObject(
  request: ResponsesRequest,
  id: string,
  createdAt: number,
  answer: Answer | undefined,
  output: unknown[],
) {
  const reason = answer ? INCOMPLETE_REASON[answer.finish] : undefined;
  const status = answer === undefined ? 'in_progress' : reason ? 'incomplete' : 'completed';
  const { echo } = request;
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status,
    background: false,
    completed_at: status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    error: null,
    incomplete_details: reason ? { reason } : null,
    instructions: echo.instructions ?? null,
    max_output_tokens: echo.maxOutputTokens ?? null,
    max_tool_calls: null,
    model: request.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    prompt_cache_key: null,
    reasoning: { effort: null, summary: null },
    safety_identifier: null,
    service_tier: answer === undefined ? 'auto' : 'default',
    store: true,
    temperature: echo.temperature ?? 1.0,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: echo.toolChoice ?? 'auto',
    tools: echo.tools ?? [],
    top_logprobs: 0,
    top_p: echo.topP ?? 1.0,
    truncation: 'disabled',
    usage: answer === undefined ? null : usageOf(request, answer.outputTokens),
    user: null,
    metadata: {},
  };
}

/** Serializes stream events, numbering them in order as the real stream does. */
function eventWriter() {
  let sequence = 0;
  return (type: string, fields: string) =>
    `event: ${type}\ndata: {"type":"${type}",${fields},"sequence_number":${sequence++}}\n\n`;
}

/** The OpenAI Responses emulator. */
export const openaiResponsesProtocol: ProtocolEmulator = {
  name: 'openai-responses',
  sdkBasePath: '/v1',
  jsonHeaders: JSON_HEADERS,
  streamHeaders: () => SSE_HEADERS,

  route(method, path) {
    if (method === 'POST' && path === '/v1/responses') return ROUTE;
    return jsonReply(404, error(`Invalid URL (${method} ${path})`, 'invalid_request_error', null, null));
  },

  parse(text) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return PARSE_ERROR;
    }
    if (!isObject(body)) return PARSE_ERROR;
    const { model, input, instructions } = body;
    if (model === undefined) return NO_MODEL;
    if (typeof model !== 'string' || model === '') {
      return invalid(
        `Invalid type for 'model': expected a string, but got ${jsonTypeName(model)} instead.`,
        'model',
        'invalid_type',
      );
    }
    if (input !== undefined && typeof input !== 'string' && !Array.isArray(input)) {
      return invalid(
        `Invalid type for 'input': expected one of a string or array of input items, but got ${jsonTypeName(input)} instead.`,
        'input',
        'invalid_type',
      );
    }
    const maxTokens = body.max_output_tokens;
    if (maxTokens !== undefined && maxTokens !== null) {
      if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens)) {
        return invalid(
          `Invalid type for 'max_output_tokens': expected an integer, but got ${jsonTypeName(maxTokens)} instead.`,
          'max_output_tokens',
          'invalid_type',
        );
      }
      if (maxTokens < MIN_OUTPUT_TOKENS) {
        return invalid(
          `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= ${MIN_OUTPUT_TOKENS}, but got ${maxTokens} instead.`,
          'max_output_tokens',
          'integer_below_min_value',
        );
      }
    }
    let inputTokens = typeof instructions === 'string' ? countTokens(instructions) : 0;
    let lastUserText = '';
    let hasToolResults = false;
    if (typeof input === 'string') {
      inputTokens += countTokens(input);
      lastUserText = input;
    } else if (Array.isArray(input)) {
      for (let i = 0; i < input.length; i++) {
        const item = input[i];
        if (!isObject(item)) {
          return invalid(
            `Invalid type for 'input[${i}]': expected an input item, but got ${jsonTypeName(item)} instead.`,
            `input[${i}]`,
            'invalid_type',
          );
        }
        if (item.type === 'function_call_output') {
          hasToolResults = true;
          inputTokens += countTokens(typeof item.output === 'string' ? item.output : '');
          continue;
        }
        const content = itemText(item.content);
        inputTokens += countTokens(content);
        if (item.role === 'user' && content !== '') lastUserText = content;
      }
    }
    const { offers, forced } = toolOffers(body.tools, body.tool_choice);
    const request: ResponsesRequest = {
      kind: 'request',
      model,
      stream: body.stream === true,
      includeUsage: true,
      sse: true,
      inputTokens,
      lastUserText,
      tools: offers,
      forcedTool: forced,
      hasToolResults,
      maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
      outputSchema: jsonSchemaFormat((body.text as { format?: unknown } | undefined)?.format),
      echo: {
        instructions,
        maxOutputTokens: maxTokens,
        toolChoice: body.tool_choice,
        tools: body.tools,
        temperature: body.temperature,
        topP: body.top_p,
      },
    };
    return request;
  },

  statusReply: responsesStatusReply,

  errorFrame: () => RESPONSES_ERROR_EVENTS,

  errorFrameReply() {
    return jsonReply(500, SERVER_ERROR);
  },

  badFaultReply(message) {
    return invalid(`x-chaos: ${message}`, 'x-chaos', 'invalid_chaos_fault');
  },

  json(request, answer) {
    const { message, calls } = outputItems(answer);
    const output = message ? [message] : calls;
    const now = Math.floor(Date.now() / 1000);
    return JSON.stringify(
      responseObject(request as ResponsesRequest, makeId('resp_', 48), now, answer, output),
    );
  },

  stream(request, answer) {
    const req = request as ResponsesRequest;
    const id = makeId('resp_', 48);
    const createdAt = Math.floor(Date.now() / 1000);
    const event = eventWriter();
    const start = JSON.stringify(responseObject(req, id, createdAt, undefined, []));
    let head =
      event('response.created', `"response":${start}`) + event('response.in_progress', `"response":${start}`);
    const tokens: string[] = [];
    let tail = '';
    const { message, calls, messageId } = outputItems(answer);
    if (message) {
      const itemId = JSON.stringify(messageId);
      const opening = { ...message, status: 'in_progress', content: [] };
      head += event('response.output_item.added', `"item":${JSON.stringify(opening)},"output_index":0`);
      head += event(
        'response.content_part.added',
        `"content_index":0,"item_id":${itemId},"output_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}`,
      );
      for (const piece of answer.pieces) {
        tokens.push(
          event(
            'response.output_text.delta',
            `"content_index":0,"delta":${JSON.stringify(piece)},"item_id":${itemId},"logprobs":[],"output_index":0`,
          ),
        );
      }
      const text = JSON.stringify(answer.text);
      tail += event(
        'response.output_text.done',
        `"content_index":0,"item_id":${itemId},"logprobs":[],"output_index":0,"text":${text}`,
      );
      tail += event(
        'response.content_part.done',
        `"content_index":0,"item_id":${itemId},"output_index":0,"part":${JSON.stringify(message.content[0])}`,
      );
      tail += event('response.output_item.done', `"item":${JSON.stringify(message)},"output_index":0`);
    }
    // Events are numbered as they are built, so they are built in the order they are sent. A call's
    // closing events ride with the next call's first delta, so the tokens stay one per frame.
    let carry = '';
    calls.forEach((call, index) => {
      const itemId = JSON.stringify(call.id);
      const opening = event(
        'response.output_item.added',
        `"item":${JSON.stringify({ ...call, status: 'in_progress', arguments: '' })},"output_index":${index}`,
      );
      const deltas = answer.toolCalls[index]!.pieces.map((piece) =>
        event(
          'response.function_call_arguments.delta',
          `"delta":${JSON.stringify(piece)},"item_id":${itemId},"output_index":${index}`,
        ),
      );
      const closing =
        event(
          'response.function_call_arguments.done',
          `"item_id":${itemId},"name":${JSON.stringify(call.name)},"output_index":${index},"arguments":${JSON.stringify(call.arguments)}`,
        ) + event('response.output_item.done', `"item":${JSON.stringify(call)},"output_index":${index}`);
      if (index === 0) head += opening;
      else deltas[0] = carry + opening + (deltas[0] ?? '');
      tokens.push(...deltas);
      carry = closing;
    });
    tail += carry;
    const output = message ? [message] : calls;
    const final = JSON.stringify(responseObject(req, id, createdAt, answer, output));
    const end = INCOMPLETE_REASON[answer.finish] ? 'response.incomplete' : 'response.completed';
    tail += event(end, `"response":${final}`);
    return { head, tokens, tail } satisfies StreamScript;
  },
};
