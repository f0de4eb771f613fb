/**
 * Gemini's paths under `/v1beta/models`: `{model}:generateContent` and `:streamGenerateContent` go to the
 * chat pipeline as a GeminiProtocol; the models list, one model, and `:countTokens` are answered here.
 *
 * @example
 * // POST /v1beta/models/smart:streamGenerateContent?alt=sse → geminiChatProtocol(path, 'alt=sse')
 * // GET  /v1beta/models/smart                             → routeGemini(scope): the route in Model shape
 */
import { GatewayError } from '../errors/gateway-error.ts';
import { handleModel, handleModels } from '../routes/models.ts';
import type { RequestScope } from '../server/request-scope.ts';
import { handleGeminiCountTokens } from './count-tokens.ts';
import { geminiPath } from './path.ts';
import { GeminiProtocol } from './protocol.ts';

/**
 * The chat protocol of a generate path; undefined for any other. Never throws: a path it cannot read
 * is left to `routeGemini`, which answers it in the handler's error path.
 */
export function geminiChatProtocol(path: string, query: string): GeminiProtocol | undefined {
  let parsed: ReturnType<typeof geminiPath>;
  try {
    parsed = geminiPath(path);
  } catch {
    return undefined;
  }
  const method = parsed?.method;
  if (parsed?.model === undefined || (method !== 'generateContent' && method !== 'streamGenerateContent'))
    return undefined;
  return new GeminiProtocol(parsed.model, method, query);
}

const SERVED = ':generateContent, :streamGenerateContent and :countTokens';

export function routeGemini(scope: RequestScope): void | Promise<void> {
  const { method, path } = scope;
  const parsed = geminiPath(path);
  if (parsed === undefined) throw new GatewayError(404, 'not_found', `No route for ${method} ${path}.`);
  if (method === 'GET' && parsed.method === undefined)
    return parsed.model === undefined ? handleModels(scope) : handleModel(scope, parsed.model);
  if (method === 'POST' && parsed.model !== undefined && parsed.method === 'countTokens')
    return handleGeminiCountTokens(scope, parsed.model);
  if (method === 'POST' && parsed.method === undefined)
    throw new GatewayError(404, 'not_found', `No method in ${path}; the gateway serves ${SERVED}.`);
  if (parsed.method === undefined || parsed.method === 'countTokens' || method === 'GET')
    throw new GatewayError(405, 'method_not_allowed', `${method} is not served on ${path}.`);
  throw new GatewayError(
    404,
    'not_found',
    `The gateway does not serve :${parsed.method}; it serves ${SERVED}.`,
  );
}
