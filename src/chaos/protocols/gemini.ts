/**
 * The Gemini emulator: `POST /v1beta/models/{model}:generateContent`, `:streamGenerateContent`,
 * `:countTokens`, `:embedContent` and `:batchEmbedContents` (gemini-embeddings.ts), under `/v1` and
 * `/v1alpha` too (`?alt=sse` for SSE frames separated by CRLF as Google sends them; without it, a JSON
 * array), Google's
 * `{error: {code, message, status}}` bodies (429 with a RetryInfo detail), candidates with finishReason
 * and usageMetadata — as recorded.
 *
 * Gemini has no 529: `status:529` sends 529 with Gemini's UNAVAILABLE body. Gemini reports a blocked
 * prompt as a 200 with a SAFETY finish (the `content-filter` fault); `status:400;content-policy` is a
 * 400 INVALID_ARGUMENT that names the safety system, for adapters that must handle that form too.
 */
import type { AnswerFinish, ToolOffer } from '../answers.ts';
import { countTokens } from '../answers.ts';
import { geminiEmbeddingsAnswer, parseGeminiEmbeddings } from './gemini-embeddings.ts';
import {
  type ChaosRequest,
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

const STATUS_NAME: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
  529: 'UNAVAILABLE',
};

function error(code: number, message: string, details?: unknown[]) {
  const status = STATUS_NAME[code] ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  return { error: details ? { code, message, status, details } : { code, message, status } };
}

const PATH =
  /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens|embedContent|batchEmbedContents)$/;
const PARSE_ERROR = jsonReply(400, error(400, 'Invalid JSON payload received. Unexpected token.'));
const NO_CONTENTS = jsonReply(
  400,
  error(400, '* GenerateContentRequest.contents: contents is not specified\n'),
);
const OVERLOADED = error(503, 'The model is overloaded. Please try again later.');
const JSON_HEADERS = ['content-type', 'application/json; charset=UTF-8'];
const SSE_HEADERS = ['content-type', 'text/event-stream', 'content-disposition', 'attachment'];

const FINISH: Record<AnswerFinish, string> = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  tool: 'STOP',
  'content-filter': 'SAFETY',
};

const SAFETY_RATINGS = [
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'HIGH', blocked: true },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
];

const cached = replyCache();

function statusBody(fault: StatusFault, model: string): unknown {
  const { status, variant } = fault;
  if (status === 400 && variant === 'context-length') {
    return error(
      400,
      'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
    );
  }
  if (status === 400 && variant === 'content-policy') {
    return error(
      400,
      'The request was blocked by the safety system (SAFETY). Rephrase the prompt and try again.',
    );
  }
  switch (status) {
    case 401:
      return error(
        401,
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      );
    case 403:
      return error(403, 'The caller does not have permission');
    case 404:
      return error(
        404,
        `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
      );
    case 429: {
      const seconds =
        fault.retryAfterSeconds ?? (fault.retryAfterMs === undefined ? undefined : fault.retryAfterMs / 1000);
      const details: unknown[] = [
        {
          '@type': 'type.googleapis.com/google.rpc.Help',
          links: [
            {
              description: 'Learn more about Gemini API quotas',
              url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
            },
          ],
        },
      ];
      if (seconds !== undefined)
        details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${seconds}s` });
      return error(
        429,
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
        details,
      );
    }
    case 500:
      return error(
        500,
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      );
    case 502:
      return gatewayHtml(502, 'Google Frontend');
    case 503:
      return OVERLOADED;
    case 504:
      return error(504, 'Deadline expired before operation could complete.');
    case 529:
      return error(529, 'The model is overloaded. Please try again later.');
    default:
      return error(
        status,
        status >= 500 ? 'Internal error encountered.' : 'Request contains an invalid argument.',
      );
  }
}

function toolOffers(
  tools: unknown,
  toolConfig: unknown,
): { offers: ToolOffer[]; forced: string | undefined } {
  const calling = isObject(toolConfig) ? toolConfig.functionCallingConfig : undefined;
  const mode = isObject(calling) ? calling.mode : undefined;
  if (!Array.isArray(tools) || mode === 'NONE') return { offers: [], forced: undefined };
  const offers: ToolOffer[] = [];
  for (const tool of tools) {
    const declarations = isObject(tool) ? tool.functionDeclarations : undefined;
    if (!Array.isArray(declarations)) continue;
    for (const fn of declarations) {
      if (isObject(fn) && typeof fn.name === 'string') {
        offers.push({ name: fn.name, schema: fn.parametersJsonSchema ?? fn.parameters });
      }
    }
  }
  const allowed =
    isObject(calling) && Array.isArray(calling.allowedFunctionNames) ? calling.allowedFunctionNames : [];
  return { offers, forced: mode === 'ANY' && typeof allowed[0] === 'string' ? allowed[0] : undefined };
}

function usageOf(request: ChaosRequest, outputTokens: number | undefined) {
  const details = [{ modality: 'TEXT', tokenCount: request.inputTokens }];
  return outputTokens === undefined
    ? {
        promptTokenCount: request.inputTokens,
        totalTokenCount: request.inputTokens,
        promptTokensDetails: details,
      }
    : {
        promptTokenCount: request.inputTokens,
        candidatesTokenCount: outputTokens,
        totalTokenCount: request.inputTokens + outputTokens,
        promptTokensDetails: details,
      };
}

/** The Gemini generateContent emulator. */
export const geminiProtocol: ProtocolEmulator = {
  name: 'gemini',
  sdkBasePath: '',
  jsonHeaders: JSON_HEADERS,
  streamHeaders: (request) => (request.sse ? SSE_HEADERS : JSON_HEADERS),

  route(method, path, query) {
    const match = method === 'POST' ? PATH.exec(path) : null;
    if (!match) return jsonReply(404, error(404, `Method not found: ${method} ${path}`));
    const sse = /(?:^|&)alt=sse(?:&|$)/.test(query);
    return {
      kind: 'route',
      model: decodeURIComponent(match[1]!),
      stream: match[2] === 'streamGenerateContent',
      sse,
      count: match[2] === 'countTokens',
      embeddings: match[2] === 'embedContent' || match[2] === 'batchEmbedContents',
    } satisfies RouteMatch;
  },

  parse(text, route) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return PARSE_ERROR;
    }
    if (!isObject(body)) return PARSE_ERROR;
    if (route.embeddings) return parseGeminiEmbeddings(body, route.model ?? '');
    // A count's body is `contents`, or the whole generate request inside `generateContentRequest`.
    if (route.count && isObject(body.generateContentRequest)) body = body.generateContentRequest as object;
    if (!isObject(body)) return PARSE_ERROR;
    const { contents } = body;
    if (!Array.isArray(contents) || contents.length === 0) return NO_CONTENTS;
    let inputTokens = 0;
    let lastUserText = '';
    let hasToolResults = false;
    const system = body.systemInstruction;
    if (isObject(system) && Array.isArray(system.parts)) {
      for (const part of system.parts)
        if (isObject(part) && typeof part.text === 'string') inputTokens += countTokens(part.text);
    }
    for (let i = 0; i < contents.length; i++) {
      const content = contents[i];
      if (!isObject(content) || !Array.isArray(content.parts) || content.parts.length === 0) {
        return jsonReply(
          400,
          error(400, `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.\n`),
        );
      }
      let text = '';
      for (const part of content.parts) {
        if (!isObject(part)) continue;
        if (typeof part.text === 'string') text = text === '' ? part.text : `${text}\n${part.text}`;
        else if (part.functionResponse !== undefined) hasToolResults = true;
      }
      inputTokens += countTokens(text);
      if (content.role !== 'model' && text !== '') lastUserText = text;
    }
    if (route.count) return jsonReply(200, { totalTokens: inputTokens });
    const { offers, forced } = toolOffers(body.tools, body.toolConfig);
    const config = body.generationConfig;
    const maxTokens = isObject(config) ? config.maxOutputTokens : undefined;
    return {
      kind: 'request',
      model: route.model ?? '',
      stream: route.stream === true,
      includeUsage: true,
      sse: route.sse,
      inputTokens,
      lastUserText,
      tools: offers,
      forcedTool: forced,
      hasToolResults,
      maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
      outputSchema: isObject(config) ? (config.responseJsonSchema ?? config.responseSchema) : undefined,
    };
  },

  statusReply(fault, model) {
    return cached(
      `${fault.status}|${fault.variant}|${fault.retryAfterSeconds}|${fault.retryAfterMs}|${model}`,
      (): HttpReply => {
        const body = statusBody(fault, model);
        const extra: string[] = [];
        if (fault.retryAfterSeconds !== undefined) extra.push('retry-after', String(fault.retryAfterSeconds));
        if (fault.retryAfterMs !== undefined) extra.push('retry-after-ms', String(fault.retryAfterMs));
        if (typeof body === 'string')
          return {
            kind: 'reply',
            status: fault.status,
            headers: ['content-type', 'text/html; charset=UTF-8', ...extra],
            body,
          };
        return jsonReply(fault.status, body, extra);
      },
    );
  },

  errorFrame: () => `data: ${JSON.stringify(OVERLOADED)}\r\n\r\n`,

  errorFrameReply() {
    return jsonReply(503, OVERLOADED);
  },

  badFaultReply(message) {
    return jsonReply(400, error(400, `x-chaos: ${message}`));
  },

  embeddings: geminiEmbeddingsAnswer,

  json(request, answer) {
    return JSON.stringify({
      candidates: [candidate(answer.text, answer.toolCalls, answer.finish, answer.pieces.length === 0)],
      usageMetadata: usageOf(request, answer.outputTokens),
      modelVersion: request.model,
      responseId: makeId('', 23),
    });
  },

  stream(request, answer) {
    const id = makeId('', 23);
    const suffix = `,"modelVersion":${JSON.stringify(request.model)},"responseId":"${id}"}`;
    const partial = JSON.stringify(usageOf(request, undefined));
    const frames: string[] = [];
    for (const piece of answer.pieces) {
      frames.push(
        `{"candidates":[{"content":{"parts":[{"text":${JSON.stringify(piece)}}],"role":"model"},"index":0}],"usageMetadata":${partial}${suffix}`,
      );
    }
    // Gemini does not stream arguments: each function call arrives whole, in a frame of its own.
    for (const call of answer.toolCalls) {
      frames.push(
        `{"candidates":[{"content":{"parts":[${JSON.stringify({ functionCall: { name: call.name, args: call.args } })}],"role":"model"},"index":0}],"usageMetadata":${partial}${suffix}`,
      );
    }
    const last = `{"candidates":[${JSON.stringify(finalCandidate(answer.finish))}],"usageMetadata":${JSON.stringify(usageOf(request, answer.outputTokens))}${suffix}`;
    if (request.sse) {
      return {
        head: '',
        tokens: frames.map((frame) => `data: ${frame}\r\n\r\n`),
        tail: `data: ${last}\r\n\r\n`,
      } satisfies StreamScript;
    }
    return {
      head: '[',
      tokens: frames.map((frame, i) => (i === 0 ? frame : `,\r\n${frame}`)),
      tail: `${frames.length > 0 ? ',\r\n' : ''}${last}]`,
    } satisfies StreamScript;
  },
};

function candidate(
  text: string,
  calls: { name: string; args: unknown }[],
  finish: AnswerFinish,
  empty: boolean,
) {
  const parts: unknown[] = calls.map((call) => ({ functionCall: { name: call.name, args: call.args } }));
  if (!empty) parts.unshift({ text });
  const content =
    parts.length > 0 ? { parts, role: 'model' } : finish === 'content-filter' ? {} : { role: 'model' };
  return finish === 'content-filter'
    ? { content, finishReason: 'SAFETY', index: 0, safetyRatings: SAFETY_RATINGS }
    : { content, finishReason: FINISH[finish], index: 0 };
}

function finalCandidate(finish: AnswerFinish) {
  return finish === 'content-filter'
    ? { content: {}, finishReason: 'SAFETY', index: 0, safetyRatings: SAFETY_RATINGS }
    : { content: { parts: [{ text: '' }], role: 'model' }, finishReason: FINISH[finish], index: 0 };
}
