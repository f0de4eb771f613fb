/**
 * The Anthropic Messages emulator: `POST /v1/messages` (with or without `?beta=true`), the required
 * `anthropic-version` header and body fields with Anthropic's own 400 bodies, its `{type: 'error'}` error
 * bodies per status (529 `overloaded_error` is native here), `message` objects and the SSE event
 * sequence message_start, content_block_start/delta/stop, message_delta, message_stop — as recorded.
 * `POST /v1/messages/count_tokens` answers `{input_tokens}`, counted as a message's `usage.input_tokens`
 * is, so a count and the call that follows it agree; it takes no faults (a count is not a model call).
 */
import type { Answer, AnswerFinish, ToolOffer } from '../answers.ts';
import { countTokens, jsonSchemaFormat } from '../answers.ts';
import {
  type ChaosRequest,
  contentText,
  gatewayHtml,
  type HttpReply,
  isObject,
  jsonReply,
  makeId,
  type ProtocolEmulator,
  type RouteMatch,
  replyCache,
  type StatusFault,
  type StreamScript,
} from './protocol.ts';

function error(type: string, message: string) {
  return { type: 'error', error: { type, message }, request_id: makeId('req_011C', 20) };
}

function invalid(message: string): HttpReply {
  return jsonReply(400, error('invalid_request_error', message));
}

const ROUTE = { kind: 'route', model: undefined, stream: undefined, sse: true } as const satisfies RouteMatch;
// Told apart from ROUTE by identity: `parse` answers a count itself, so the server needs no new route kind.
const COUNT_ROUTE: RouteMatch = { kind: 'route', model: undefined, stream: false, sse: false };
const NOT_FOUND = jsonReply(404, error('not_found_error', 'Not Found'));
const PARSE_ERROR = invalid('There was an error parsing the body of your request: it is not valid JSON.');
const NO_VERSION = invalid('anthropic-version: header is required');
const NO_MODEL = invalid('model: Field required');
const NO_MAX_TOKENS = invalid('max_tokens: Field required');
const NO_MESSAGES = invalid('messages: Field required');
const EMPTY_MESSAGES = invalid('messages: List should have at least 1 item after validation, not 0');
const OVERLOADED_FRAME = `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n`;
const JSON_HEADERS = ['content-type', 'application/json'];
const SSE_HEADERS = ['content-type', 'text/event-stream; charset=utf-8', 'cache-control', 'no-cache'];

const STOP_REASON: Record<AnswerFinish, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool: 'tool_use',
  'content-filter': 'refusal',
};

const cached = replyCache();

function statusError(fault: StatusFault, model: string): { type: string; message: string } | string {
  const { status, variant } = fault;
  if (status === 400 && variant === 'context-length') {
    return { type: 'invalid_request_error', message: 'prompt is too long: 208310 tokens > 200000 maximum' };
  }
  if (status === 400 && variant === 'content-policy') {
    return { type: 'invalid_request_error', message: 'Output blocked by content filtering policy' };
  }
  switch (status) {
    case 401:
      return { type: 'authentication_error', message: 'invalid x-api-key' };
    case 403:
      return {
        type: 'permission_error',
        message: 'Your API key does not have permission to use the specified resource.',
      };
    case 404:
      return { type: 'not_found_error', message: `model: ${model}` };
    case 413:
      return { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' };
    case 429:
      return {
        type: 'rate_limit_error',
        message:
          'This request would exceed the rate limit for your organization (chaos) of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.',
      };
    case 502:
    case 504:
      return gatewayHtml(status, 'cloudflare');
    case 503:
    case 529:
      return { type: 'overloaded_error', message: 'Overloaded' };
    default:
      return status >= 500
        ? { type: 'api_error', message: 'Internal server error' }
        : { type: 'invalid_request_error', message: 'Invalid request.' };
  }
}

function retryHeaders(fault: StatusFault): string[] {
  const waitMs =
    fault.retryAfterMs ??
    (fault.retryAfterSeconds === undefined ? undefined : fault.retryAfterSeconds * 1000);
  const headers: string[] = [];
  if (fault.retryAfterSeconds !== undefined) headers.push('retry-after', String(fault.retryAfterSeconds));
  else if (fault.retryAfterMs !== undefined)
    headers.push('retry-after', String(Math.ceil(fault.retryAfterMs / 1000)));
  if (fault.retryAfterMs !== undefined) headers.push('retry-after-ms', String(fault.retryAfterMs));
  if (fault.status === 429) {
    headers.push('anthropic-ratelimit-requests-limit', '50', 'anthropic-ratelimit-requests-remaining', '0');
    if (waitMs !== undefined) {
      const reset = new Date(Date.now() + waitMs).toISOString().replace(/\.\d+Z$/, 'Z');
      headers.push('anthropic-ratelimit-requests-reset', reset);
    }
  }
  return headers;
}

function toolOffers(
  tools: unknown,
  toolChoice: unknown,
): { offers: ToolOffer[]; forced: string | undefined } {
  const choiceType = isObject(toolChoice) ? toolChoice.type : undefined;
  if (!Array.isArray(tools) || tools.length === 0 || choiceType === 'none')
    return { offers: [], forced: undefined };
  const offers: ToolOffer[] = [];
  for (const tool of tools) {
    // Server tools (web search, code execution) have a `type` and no input_schema: the client does not run them.
    if (isObject(tool) && typeof tool.name === 'string' && tool.input_schema !== undefined) {
      offers.push({ name: tool.name, schema: tool.input_schema });
    }
  }
  const forced =
    choiceType === 'tool' && isObject(toolChoice) && typeof toolChoice.name === 'string'
      ? toolChoice.name
      : undefined;
  return { offers, forced };
}

function usageOf(request: ChaosRequest, outputTokens: number) {
  return {
    input_tokens: request.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

/** What a Messages body's prompt holds, read once for a call and a count alike. */
interface Prompt {
  kind: 'prompt';
  inputTokens: number;
  lastUserText: string;
  hasToolResults: boolean;
}

/** Validates `messages` as Anthropic does (its 400 bodies) and counts the system prompt and messages. */
function readPrompt(body: Record<string, unknown>): Prompt | HttpReply {
  const messages = body.messages;
  if (messages === undefined) return NO_MESSAGES;
  if (!Array.isArray(messages)) return invalid('messages: Input should be a valid list');
  if (messages.length === 0) return EMPTY_MESSAGES;
  let inputTokens = countTokens(contentText(body.system));
  let lastUserText = '';
  let hasToolResults = false;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!isObject(message)) return invalid(`messages.${i}: Input should be a valid dictionary`);
    // `system` mid-conversation is what Claude Code sends (its environment notes), and Anthropic takes.
    if (message.role !== 'user' && message.role !== 'assistant' && message.role !== 'system') {
      return invalid(`messages.${i}.role: Input should be 'user', 'assistant' or 'system'`);
    }
    const content = message.content;
    const textOf = contentText(content);
    inputTokens += countTokens(textOf);
    if (message.role === 'user' && textOf !== '') lastUserText = textOf;
    if (!hasToolResults && Array.isArray(content)) {
      hasToolResults = content.some((block) => isObject(block) && block.type === 'tool_result');
    }
  }
  return { kind: 'prompt', inputTokens, lastUserText, hasToolResults };
}

function event(name: string, data: string): string {
  return `event: ${name}\ndata: ${data}\n\n`;
}

/** The Anthropic Messages emulator. */
export const anthropicProtocol: ProtocolEmulator = {
  name: 'anthropic',
  sdkBasePath: '',
  jsonHeaders: JSON_HEADERS,
  streamHeaders: () => SSE_HEADERS,

  route(method, path) {
    if (method !== 'POST') return NOT_FOUND;
    if (path === '/v1/messages') return ROUTE;
    return path === '/v1/messages/count_tokens' ? COUNT_ROUTE : NOT_FOUND;
  },

  parse(text, route, headers) {
    if (headers['anthropic-version'] === undefined) return NO_VERSION;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return PARSE_ERROR;
    }
    if (!isObject(body)) return PARSE_ERROR;
    const { model, max_tokens: maxTokens } = body;
    if (model === undefined) return NO_MODEL;
    if (typeof model !== 'string') return invalid('model: Input should be a valid string');
    if (route === COUNT_ROUTE) {
      const prompt = readPrompt(body);
      return prompt.kind === 'reply' ? prompt : jsonReply(200, { input_tokens: prompt.inputTokens });
    }
    if (maxTokens === undefined) return NO_MAX_TOKENS;
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens)) {
      return invalid('max_tokens: Input should be a valid integer');
    }
    const prompt = readPrompt(body);
    if (prompt.kind === 'reply') return prompt;
    const { offers, forced } = toolOffers(body.tools, body.tool_choice);
    return {
      kind: 'request',
      model,
      stream: body.stream === true,
      includeUsage: true,
      sse: true,
      inputTokens: prompt.inputTokens,
      lastUserText: prompt.lastUserText,
      tools: offers,
      forcedTool: forced,
      hasToolResults: prompt.hasToolResults,
      maxTokens,
      outputSchema: jsonSchemaFormat((body.output_config as { format?: unknown } | undefined)?.format),
    };
  },

  statusReply(fault, model) {
    const build = (): HttpReply => {
      const found = statusError(fault, model);
      const extra = retryHeaders(fault);
      if (typeof found === 'string') {
        return {
          kind: 'reply',
          status: fault.status,
          headers: ['content-type', 'text/html', ...extra],
          body: found,
        };
      }
      return jsonReply(fault.status, error(found.type, found.message), extra);
    };
    // Rate-limit reset headers carry the current time; everything else is the same every time.
    if (fault.status === 429) return build();
    return cached(
      `${fault.status}|${fault.variant}|${fault.retryAfterSeconds}|${fault.retryAfterMs}|${model}`,
      build,
    );
  },

  errorFrame: () => OVERLOADED_FRAME,

  errorFrameReply() {
    return jsonReply(529, error('overloaded_error', 'Overloaded'));
  },

  badFaultReply(message) {
    return invalid(`x-chaos: ${message}`);
  },

  json(request, answer) {
    const content: unknown[] = answer.toolCalls.map((call) => ({
      type: 'tool_use',
      id: makeId('toolu_01', 22),
      name: call.name,
      input: call.args,
    }));
    if (answer.text !== '') content.unshift({ type: 'text', text: answer.text });
    return JSON.stringify({
      id: makeId('msg_01', 22),
      type: 'message',
      role: 'assistant',
      model: request.model,
      content,
      stop_reason: STOP_REASON[answer.finish],
      stop_sequence: null,
      usage: usageOf(request, answer.outputTokens),
    });
  },

  stream(request, answer: Answer) {
    const start = {
      type: 'message_start',
      message: {
        model: request.model,
        id: makeId('msg_01', 22),
        type: 'message',
        role: 'assistant',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usageOf(request, 1),
      },
    };
    const head = event('message_start', JSON.stringify(start));
    const tokens: string[] = [];
    let blocks = 0;
    const blockStart = (block: unknown) =>
      event(
        'content_block_start',
        `{"type":"content_block_start","index":${blocks},"content_block":${JSON.stringify(block)}}`,
      );
    const blockStop = (index: number) =>
      event('content_block_stop', `{"type":"content_block_stop","index":${index}}`);
    // The first block opens with the first token, not in the head: a stream cut after 0 tokens is one
    // cut after message_start, before any content — the cut a gateway can still fall back from.
    if (answer.pieces.length > 0) {
      let opening = blockStart({ type: 'text', text: '' }) + event('ping', '{"type": "ping"}');
      for (const piece of answer.pieces) {
        tokens.push(
          opening +
            event(
              'content_block_delta',
              `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(piece)}}}`,
            ),
        );
        opening = '';
      }
      blocks = 1;
    }
    for (const call of answer.toolCalls) {
      const index = blocks;
      const opening = blockStart({
        type: 'tool_use',
        id: makeId('toolu_01', 22),
        name: call.name,
        input: {},
      });
      call.pieces.forEach((piece, i) => {
        const frame = event(
          'content_block_delta',
          `{"type":"content_block_delta","index":${index},"delta":{"type":"input_json_delta","partial_json":${JSON.stringify(piece)}}}`,
        );
        if (i > 0) tokens.push(frame);
        else if (index === 0) tokens.push(opening + frame);
        else tokens.push(blockStop(index - 1) + opening + frame);
      });
      blocks++;
    }
    let tail = blocks > 0 ? blockStop(blocks - 1) : '';
    const delta = {
      type: 'message_delta',
      delta: { stop_reason: STOP_REASON[answer.finish], stop_sequence: null },
      usage: {
        input_tokens: request.inputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: answer.outputTokens,
      },
    };
    tail += event('message_delta', JSON.stringify(delta));
    tail += event('message_stop', '{"type":"message_stop"}');
    return { head, tokens, tail } satisfies StreamScript;
  },
};
