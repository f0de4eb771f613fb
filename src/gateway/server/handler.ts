/**
 * The gateway's request handler: a small router over its routes (plus the extra routes other parts
 * of the gateway register), client authentication, CORS, and the one place that turns any error into a
 * response in the client's protocol. It takes node's request and response objects as they are, and
 * `inject()` drives it in-process for tests.
 *
 * @example
 * const handle = createGatewayHandler(() => context);
 * http.createServer(handle).listen(8787);
 */
import { performance } from 'node:perf_hooks';
import { ADMIN_PREFIX, handleAdmin } from '../admin/admin-routes.ts';
import { anthropicMessagesProtocol } from '../anthropic/protocol.ts';
import { EMBEDDINGS_PATHS, embeddingsRecord, handleEmbeddings } from '../embeddings/route.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { renderAnthropicError, renderOpenAIError } from '../errors/render-error.ts';
import { safeHeaderValue, scrubSecrets } from '../errors/scrub.ts';
import { toGatewayError } from '../errors/to-gateway-error.ts';
import type { RequestFinished } from '../events.ts';
import { renderGeminiError } from '../gemini/error.ts';
import { isGeminiPath, keyInQuery } from '../gemini/path.ts';
import { geminiChatProtocol, routeGemini } from '../gemini/routes.ts';
import { GENERATION_PATH, handleGeneration } from '../ledger/generation-route.ts';
import { openAIChatProtocol } from '../openai/protocol.ts';
import { openAIResponsesProtocol } from '../responses/protocol.ts';
import { COUNT_TOKENS_PATH, handleCountTokens } from '../routes/count-tokens.ts';
import { handleHealth } from '../routes/health.ts';
import { handleModel, handleModels, modelIdInPath } from '../routes/models.ts';
import type { ChatProtocol } from '../routing/chat-protocol.ts';
import { newRequestRecord, runChat } from '../routing/run-chat.ts';
import { handleLedgerPage, isLedgerPage } from '../status/ledger-pages.ts';
import { type ClientApi, clientApiOf } from './client-api.ts';
import type { GatewayContext } from './context.ts';
import { hostNotAllowed } from './host-check.ts';
import type { GatewayRequest, GatewayResponse } from './http-types.ts';
import { isChatScope, type RequestScope } from './request-scope.ts';

export type GatewayHandler = (req: GatewayRequest, res: GatewayResponse) => Promise<void>;

const CHAT_ROUTES: Record<string, ChatProtocol> = {
  '/v1/chat/completions': openAIChatProtocol,
  '/chat/completions': openAIChatProtocol,
  '/v1/messages': anthropicMessagesProtocol,
  '/v1/responses': openAIResponsesProtocol,
  '/responses': openAIResponsesProtocol,
};

const RENDER_ERROR: Record<ClientApi, (error: GatewayError) => string> = {
  openai: renderOpenAIError,
  anthropic: renderAnthropicError,
  gemini: renderGeminiError,
};

/** Off the chat routes: Anthropic's count path and Gemini's paths (path.ts) speak their own protocol. */
function apiOfPath(path: string, headers: GatewayRequest['headers']): ClientApi {
  if (path === COUNT_TOKENS_PATH) return 'anthropic';
  if (isGeminiPath(path)) return 'gemini';
  return clientApiOf(headers);
}

export function createGatewayHandler(current: () => GatewayContext): GatewayHandler {
  return async function handleGatewayRequest(req, res) {
    const context = current();
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const method = req.method ?? 'GET';
    // Exact paths first; only a miss on a Gemini path pays for reading Gemini's model-in-the-path form.
    const protocol =
      CHAT_ROUTES[path] ??
      (isGeminiPath(path) ? geminiChatProtocol(path, query === -1 ? '' : url.slice(query + 1)) : undefined);
    const chat = protocol !== undefined && method === 'POST';
    const scope: RequestScope = {
      req,
      res,
      context,
      method,
      path,
      protocol,
      api: protocol?.api ?? apiOfPath(path, req.headers),
      // Every POST to a chat or embeddings route is counted, refusals (Host, key, body) included.
      record: chat
        ? newRequestRecord(protocol.api, req.headers['user-agent'])
        : embeddingsRecord(method, path, req.headers['user-agent']),
      baseHeaders: corsHeaders(context, req.headers.origin),
      startedAt: performance.now(),
      client: undefined,
      abort: chat ? new AbortController() : undefined,
    };
    try {
      await route(scope);
    } catch (error) {
      failed(scope, error);
    } finally {
      const record = scope.record;
      if (record) {
        record.latencyMs = performance.now() - scope.startedAt;
        context.events.emit('request-finished', record);
      }
    }
  };
}

// Not async: the handler awaits what it returns, and a throw lands in the handler's catch all the same.
function route(scope: RequestScope): void | Promise<void> {
  const { req, context, method, path } = scope;
  // First, before any route (the status page, /metrics and /health too) and before a preflight.
  const hostCheck = context.hostCheck;
  if (hostCheck && !hostCheck(req.headers.host)) throw hostNotAllowed(req.headers.host);
  if (method === 'OPTIONS') return preflight(scope);
  if (scope.protocol) {
    if (!isChatScope(scope)) throw new GatewayError(405, 'method_not_allowed', `${path} takes POST.`);
    authenticate(scope);
    scope.record.clientKeyId = scope.client?.keyId;
    scope.record.clientName = scope.client?.name;
    return runChat(scope);
  }
  if (method === 'GET' && path === '/health') return handleHealth(scope);
  if (isGeminiPath(path)) {
    authenticate(scope);
    return routeGemini(scope);
  }
  if (EMBEDDINGS_PATHS.has(path)) {
    if (method !== 'POST') throw new GatewayError(405, 'method_not_allowed', `${path} takes POST.`);
    authenticate(scope);
    return handleEmbeddings(scope);
  }
  if (path === COUNT_TOKENS_PATH) {
    if (method !== 'POST') throw new GatewayError(405, 'method_not_allowed', `${path} takes POST.`);
    authenticate(scope);
    return handleCountTokens(scope);
  }
  if (method === 'GET' && (path === '/v1/models' || path === '/models')) {
    authenticate(scope);
    return handleModels(scope);
  }
  const modelId = method === 'GET' ? modelIdInPath(path) : undefined;
  if (modelId !== undefined) {
    authenticate(scope);
    return handleModel(scope, modelId);
  }
  if (method === 'GET' && path === GENERATION_PATH) {
    authenticate(scope);
    return handleGeneration(scope);
  }
  if (path.startsWith(ADMIN_PREFIX)) return handleAdmin(scope);
  if (method === 'GET' && isLedgerPage(path)) return handleLedgerPage(scope);
  const extra = context.extraRoutes.find((route) => route.method === method && route.path === path);
  if (!extra) throw new GatewayError(404, 'not_found', `No route for ${method} ${path}.`);
  return extra.handle(req, scope.res);
}

/** The client's key: from its headers, or for Gemini's clients also from `?key=`, where Google takes it. */
function authenticate(scope: RequestScope): void {
  let queryKey: string | undefined;
  if (scope.api === 'gemini') {
    const url = scope.req.url ?? '';
    const query = url.indexOf('?');
    if (query !== -1) queryKey = keyInQuery(url.slice(query + 1));
  }
  scope.client = scope.context.clients.authenticate(scope.req.headers, queryKey);
}

/** The one place any error becomes a response, in the client's protocol (`scope.api`). */
function failed(scope: RequestScope, error: unknown): void {
  const failure = toGatewayError(error);
  if (failure.status >= 500 && failure.code === 'internal')
    scope.context.log(`internal error on ${scope.method} ${scope.path}: ${scrubSecrets(describe(error))}`);
  const record = scope.record;
  if (record) {
    record.status = failure.status;
    record.errorKind ??= failure.attempts?.at(-1)?.kind ?? failure.code;
  }
  sendError(scope, failure);
}

function sendError(scope: RequestScope, error: GatewayError): void {
  const res = scope.res;
  if (res.headersSent) {
    // Only a stream commits its headers early, and it writes its own error frame: just close.
    if (!res.writableEnded) res.end();
    return;
  }
  const text = scope.protocol ? scope.protocol.renderError(error) : RENDER_ERROR[scope.api](error);
  const headers: Record<string, string> = {
    ...scope.baseHeaders,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  routeHeaders(scope.record, error, headers);
  // A refusal made before the body arrived in full (too large, or refused on its headers alone: Host,
  // key, Content-Type): close, rather than let node read and discard a body of any size to keep the
  // connection alive.
  if (error.status === 413 || scope.req.complete === false) headers.connection = 'close';
  res.writeHead(error.status, headers);
  res.end(text);
}

/**
 * An error of a routed request says where it went, as a success does: the route, how it was chosen, and
 * how many attempts were made (the body lists them).
 */
function routeHeaders(
  record: RequestFinished | undefined,
  error: GatewayError,
  headers: Record<string, string>,
): void {
  if (record?.routeReason === undefined) return;
  headers['x-understudy-route'] = safeHeaderValue(record.route);
  headers['x-understudy-route-reason'] = safeHeaderValue(record.routeReason);
  if (error.attempts !== undefined) headers['x-understudy-attempts'] = String(error.attempts.length);
}

function corsHeaders(context: GatewayContext, origin: string | undefined): Record<string, string> {
  const cors = context.cors;
  if (cors === undefined || origin === undefined) return {};
  if (cors === '*') return { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED };
  if (!cors.includes(origin)) return {};
  return { 'access-control-allow-origin': origin, vary: 'origin', 'access-control-expose-headers': EXPOSED };
}

const EXPOSED =
  'x-understudy-zero-completion-insurance, x-understudy-model, x-understudy-attempts, x-understudy-fallbacks, x-understudy-trace, x-understudy-breakers-open, retry-after';

function preflight(scope: RequestScope): void {
  const headers: Record<string, string> = { ...scope.baseHeaders };
  if (headers['access-control-allow-origin']) {
    headers['access-control-allow-methods'] = 'GET, POST, OPTIONS';
    headers['access-control-allow-headers'] =
      'authorization, content-type, x-api-key, anthropic-version, anthropic-beta, x-goog-api-key, x-goog-api-client';
    headers['access-control-max-age'] = '600';
  }
  scope.res.writeHead(204, headers);
  scope.res.end();
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
