/**
 * Gemini's paths under `/v1beta/models`: `{model}:generateContent` and `:streamGenerateContent` go to the
 * chat pipeline as a GeminiProtocol; the models list, one model, `:countTokens`, `:embedContent` and
 * `:batchEmbedContents` are answered here.
 *
 * @example
 * // POST /v1beta/models/smart:streamGenerateContent?alt=sse → geminiChatProtocol(path, 'alt=sse')
 * // GET  /v1beta/models/smart                             → routeGemini(scope): the route in Model shape
 */
import { GatewayError } from '../errors/gateway-error.ts';
import { handleModel, handleModels } from '../routes/models.ts';
import type { RequestScope } from '../server/request-scope.ts';
import { handleGeminiCountTokens } from './count-tokens.ts';
import { handleGeminiEmbed } from './embed-content.ts';
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

const SERVED =
  ':generateContent, :streamGenerateContent, :countTokens, :embedContent and :batchEmbedContents';

export function routeGemini(scope: RequestScope): void | Promise<void> {
  const { method, path } = scope;
  const parsed = geminiPath(path);
  if (parsed === undefined) throw new GatewayError(404, 'not_found', `No route for ${method} ${path}.`);
  const { model } = parsed;
  if (parsed.method === undefined) {
    if (method === 'GET') return model === undefined ? handleModels(scope) : handleModel(scope, model);
    if (method === 'POST')
      throw new GatewayError(404, 'not_found', `No method in ${path}; the gateway serves ${SERVED}.`);
  } else if (method === 'POST' && model !== undefined) {
    // generateContent and streamGenerateContent never get here: they are the chat pipeline's.
    if (parsed.method === 'countTokens') return handleGeminiCountTokens(scope, model);
    return handleGeminiEmbed(scope, model, parsed.method === 'batchEmbedContents');
  }
  throw new GatewayError(405, 'method_not_allowed', `${method} is not served on ${path}.`);
}
