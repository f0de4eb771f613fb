/**
 * Writes a 200 JSON answer with the request's base headers (CORS) and any extra ones: how every route
 * off the chat pipeline answers, so none sets its content type and length by hand.
 *
 * @example
 * sendJson(scope, { input_tokens: 12 }, { 'x-understudy-token-count': 'estimate' });
 */
import type { RequestScope } from '../server/request-scope.ts';

/** `body` is serialized, unless it is already JSON text (an upstream's answer relayed as received). */
export function sendJson(
  scope: RequestScope,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  scope.res.writeHead(200, {
    ...scope.baseHeaders,
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  scope.res.end(text);
}
