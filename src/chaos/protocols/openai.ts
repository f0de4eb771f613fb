/**
 * The OpenAI Chat Completions emulator: `POST /v1/chat/completions` (and `/v1/embeddings`, in
 * openai-embeddings.ts), its 400 bodies for a missing model
 * or messages, the error bodies OpenAI sends per status, `chat.completion` objects and the
 * `chat.completion.chunk` SSE stream ending in `data: [DONE]`, with the usage chunk (empty `choices`)
 * when `stream_options.include_usage` is set. Shapes follow the recorded real traffic.
 *
 * OpenAI has no 529: a `status:529` fault sends 529 with OpenAI's overloaded body, as a proxy in front of
 * it might; `status:503` is OpenAI's own overloaded answer.
 */
import type { Answer, AnswerFinish, ToolOffer } from '../answers.ts';
import { countTokens, jsonSchemaFormat } from '../answers.ts';
import { embeddingsAnswer, parseEmbeddingsRequest } from './openai-embeddings.ts';
import {
  type ChaosRequest,
  contentText,
  gatewayHtml,
  type HttpReply,
  isObject,
  jsonReply,
  jsonTypeName,
  makeId,
  type ProtocolEmulator,
  type RouteMatch,
  replyCache,
  type StatusFault,
  type StreamScript,
} from './protocol.ts';

function error(message: string, type: string, param: string | null, code: string | null) {
  return { error: { message, type, param, code } };
}

const PARSE_ERROR = jsonReply(
  400,
  error(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
    'invalid_request_error',
    null,
    null,
  ),
);
const NO_MODEL = jsonReply(
  400,
  error('you must provide a model parameter', 'invalid_request_error', null, null),
);
const NO_MESSAGES = jsonReply(
  400,
  error(
    "Missing required parameter: 'messages'.",
    'invalid_request_error',
    'messages',
    'missing_required_parameter',
  ),
);
const EMPTY_MESSAGES = jsonReply(
  400,
  error(
    "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
    'invalid_request_error',
    'messages',
    'empty_array',
  ),
);
const SERVER_ERROR = error(
  'The server had an error while processing your request. Sorry about that!',
  'server_error',
  null,
  null,
);
const OVERLOADED = error(
  'The engine is currently overloaded, please try again later',
  'server_error',
  null,
  null,
);
const SSE_HEADERS = ['content-type', 'text/event-stream; charset=utf-8', 'openai-version', '2020-10-01'];
const ROUTE = { kind: 'route', model: undefined, stream: undefined, sse: true } as const satisfies RouteMatch;
const EMBEDDINGS_ROUTE = { ...ROUTE, embeddings: true } as const satisfies RouteMatch;

function invalidType(param: string, expected: string, value: unknown): HttpReply {
  const message = `Invalid type for '${param}': expected ${expected}, but got ${jsonTypeName(value)} instead.`;
  return jsonReply(400, error(message, 'invalid_request_error', param, 'invalid_type'));
}

const FINISH: Record<AnswerFinish, string> = {
  stop: 'stop',
  length: 'length',
  tool: 'tool_calls',
  'content-filter': 'content_filter',
};

const cached = replyCache();

function statusBody(fault: StatusFault, model: string): { body: unknown; type: string } {
  const { status, variant } = fault;
  if (status === 400 && variant === 'context-length') {
    const message =
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.";
    return {
      body: error(message, 'invalid_request_error', 'messages', 'context_length_exceeded'),
      type: 'json',
    };
  }
  if (status === 400 && variant === 'content-policy') {
    const message =
      'Invalid prompt: your prompt was flagged as potentially violating our usage policy. Please try again with a different prompt.';
    return { body: error(message, 'invalid_request_error', null, 'invalid_prompt'), type: 'json' };
  }
  switch (status) {
    case 401:
      return {
        body: error(
          'Incorrect API key provided: sk-chaos. You can find your API key at https://platform.openai.com/account/api-keys.',
          'invalid_request_error',
          null,
          'invalid_api_key',
        ),
        type: 'json',
      };
    case 403:
      return {
        body: error(
          'Country, region, or territory not supported',
          'request_forbidden',
          null,
          'unsupported_country_region_territory',
        ),
        type: 'json',
      };
    case 404:
      return {
        body: error(
          `The model \`${model}\` does not exist or you do not have access to it.`,
          'invalid_request_error',
          null,
          'model_not_found',
        ),
        type: 'json',
      };
    case 429: {
      const wait = fault.retryAfterMs ?? (fault.retryAfterSeconds ?? 1) * 1000;
      const message = `Rate limit reached for ${model} in organization org-chaos on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${wait}ms. Visit https://platform.openai.com/account/rate-limits to learn more.`;
      return { body: error(message, 'requests', null, 'rate_limit_exceeded'), type: 'json' };
    }
    case 502:
    case 504:
      return { body: gatewayHtml(status, 'cloudflare'), type: 'html' };
    case 503:
    case 529:
      return { body: OVERLOADED, type: 'json' };
    default:
      return status >= 500
        ? { body: SERVER_ERROR, type: 'json' }
        : { body: error('Invalid request.', 'invalid_request_error', null, null), type: 'json' };
  }
}

function rateLimitHeaders(fault: StatusFault): string[] {
  const headers: string[] = [];
  if (fault.retryAfterSeconds !== undefined) headers.push('retry-after', String(fault.retryAfterSeconds));
  if (fault.retryAfterMs !== undefined) headers.push('retry-after-ms', String(fault.retryAfterMs));
  const waitMs =
    fault.retryAfterMs ??
    (fault.retryAfterSeconds === undefined ? undefined : fault.retryAfterSeconds * 1000);
  if (fault.status === 429) {
    headers.push('x-ratelimit-limit-requests', '500', 'x-ratelimit-remaining-requests', '0');
    if (waitMs !== undefined) headers.push('x-ratelimit-reset-requests', `${waitMs}ms`);
  }
  return headers;
}

function toolOffers(
  tools: unknown,
  toolChoice: unknown,
): { offers: ToolOffer[]; forced: string | undefined } {
  if (!Array.isArray(tools) || tools.length === 0 || toolChoice === 'none')
    return { offers: [], forced: undefined };
  const offers: ToolOffer[] = [];
  for (const tool of tools) {
    const fn = isObject(tool) ? tool.function : undefined;
    if (isObject(fn) && typeof fn.name === 'string') offers.push({ name: fn.name, schema: fn.parameters });
  }
  const forced =
    isObject(toolChoice) && isObject(toolChoice.function) && typeof toolChoice.function.name === 'string'
      ? toolChoice.function.name
      : undefined;
  return { offers, forced };
}

function usageOf(request: ChaosRequest, answer: Answer) {
  return {
    prompt_tokens: request.inputTokens,
    completion_tokens: answer.outputTokens,
    total_tokens: request.inputTokens + answer.outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** The OpenAI Chat Completions emulator. */
export const openaiProtocol: ProtocolEmulator = {
  name: 'openai',
  sdkBasePath: '/v1',
  jsonHeaders: ['content-type', 'application/json', 'openai-version', '2020-10-01'],
  streamHeaders: () => SSE_HEADERS,

  route(method, path) {
    if (method === 'POST' && path === '/v1/chat/completions') return ROUTE;
    if (method === 'POST' && path === '/v1/embeddings') return EMBEDDINGS_ROUTE;
    return jsonReply(404, error(`Invalid URL (${method} ${path})`, 'invalid_request_error', null, null));
  },

  parse(text, route) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return PARSE_ERROR;
    }
    if (!isObject(body)) return PARSE_ERROR;
    if (route.embeddings) return parseEmbeddingsRequest(body);
    const { model, messages } = body;
    if (typeof model !== 'string' || model === '') return NO_MODEL;
    if (messages === undefined) return NO_MESSAGES;
    if (!Array.isArray(messages)) return invalidType('messages', 'an array', messages);
    if (messages.length === 0) return EMPTY_MESSAGES;
    let inputTokens = 0;
    let lastUserText = '';
    let hasToolResults = false;
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i];
      if (!isObject(message)) return invalidType(`messages[${i}]`, 'an object', message);
      if (typeof message.role !== 'string') {
        return jsonReply(
          400,
          error(
            `Missing required parameter: 'messages[${i}].role'.`,
            'invalid_request_error',
            `messages[${i}].role`,
            'missing_required_parameter',
          ),
        );
      }
      const content = contentText(message.content);
      inputTokens += countTokens(content);
      if (message.role === 'user') lastUserText = content;
      else if (message.role === 'tool') hasToolResults = true;
    }
    const { offers, forced } = toolOffers(body.tools, body.tool_choice);
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    const streamOptions = body.stream_options;
    return {
      kind: 'request',
      model,
      stream: body.stream === true,
      includeUsage: isObject(streamOptions) && streamOptions.include_usage === true,
      sse: true,
      inputTokens,
      lastUserText,
      tools: offers,
      forcedTool: forced,
      hasToolResults,
      maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
      outputSchema: jsonSchemaFormat(body.response_format),
    };
  },

  statusReply(fault, model) {
    const key = `${fault.status}|${fault.variant}|${fault.retryAfterSeconds}|${fault.retryAfterMs}|${model}`;
    return cached(key, () => {
      const { body, type } = statusBody(fault, model);
      const extra = rateLimitHeaders(fault);
      if (type === 'html') {
        return {
          kind: 'reply',
          status: fault.status,
          headers: ['content-type', 'text/html', ...extra],
          body: body as string,
        };
      }
      return jsonReply(fault.status, body, extra);
    });
  },

  errorFrame() {
    return `data: ${JSON.stringify(SERVER_ERROR)}\n\n`;
  },

  errorFrameReply() {
    return jsonReply(500, SERVER_ERROR);
  },

  badFaultReply(message) {
    return jsonReply(
      400,
      error(`x-chaos: ${message}`, 'invalid_request_error', 'x-chaos', 'invalid_chaos_fault'),
    );
  },

  embeddings: embeddingsAnswer,

  json(request, answer) {
    const hasCalls = answer.toolCalls.length > 0;
    return JSON.stringify({
      id: makeId('chatcmpl-', 29),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: hasCalls ? null : answer.text,
            refusal: null,
            annotations: [],
            ...(hasCalls
              ? {
                  tool_calls: answer.toolCalls.map((call) => ({
                    id: makeId('call_', 24),
                    type: 'function',
                    function: { name: call.name, arguments: call.argumentsJson },
                  })),
                }
              : {}),
          },
          logprobs: null,
          finish_reason: FINISH[answer.finish],
        },
      ],
      usage: usageOf(request, answer),
      service_tier: 'default',
      system_fingerprint: 'fp_chaos',
    });
  },

  stream(request, answer) {
    const prefix = `data: {"id":"${makeId('chatcmpl-', 29)}","object":"chat.completion.chunk","created":${Math.floor(
      Date.now() / 1000,
    )},"model":${JSON.stringify(request.model)},"service_tier":"default","system_fingerprint":"fp_chaos","choices":[`;
    const usageNull = request.includeUsage ? ',"usage":null}\n\n' : '}\n\n';
    const chunk = (delta: string, finish: string | null) =>
      `${prefix}{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]${usageNull}`;
    let head: string;
    const tokens: string[] = [];
    if (answer.toolCalls.length === 0) {
      head = chunk('{"role":"assistant","content":"","refusal":null}', null);
      for (const piece of answer.pieces) tokens.push(chunk(`{"content":${JSON.stringify(piece)}}`, null));
    } else {
      head = '';
      answer.toolCalls.forEach((call, index) => {
        const start = `{${index === 0 ? '"role":"assistant","content":null,' : ''}"tool_calls":[{"index":${index},"id":"${makeId('call_', 24)}","type":"function","function":{"name":${JSON.stringify(call.name)},"arguments":""}}]}`;
        const opening = chunk(start, null);
        if (index === 0) head = opening;
        call.pieces.forEach((piece, i) => {
          const frame = chunk(
            `{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(piece)}}}]}`,
            null,
          );
          tokens.push(i === 0 && index > 0 ? opening + frame : frame);
        });
      });
    }
    let tail = chunk('{}', FINISH[answer.finish]);
    if (request.includeUsage) tail += `${prefix}],"usage":${JSON.stringify(usageOf(request, answer))}}\n\n`;
    tail += 'data: [DONE]\n\n';
    return { head, tokens, tail } satisfies StreamScript;
  },
};
