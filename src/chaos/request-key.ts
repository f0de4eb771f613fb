/**
 * The API key a request to an emulator carries, wherever its protocol puts it: `authorization: Bearer`
 * (OpenAI), `x-api-key` (Anthropic), `x-goog-api-key` (Gemini) or `api-key` (Azure). The emulators
 * accept any key; they read it only to fault one key of a pool (`keys:` in a scenario) and to count
 * requests per key.
 *
 * @example
 * requestApiKey({ authorization: 'Bearer sk-a' }); // 'sk-a'
 */
import type { IncomingHttpHeaders } from 'node:http';

export function requestApiKey(headers: IncomingHttpHeaders): string | undefined {
  const bearer = headers.authorization;
  if (typeof bearer === 'string' && bearer.startsWith('Bearer ')) return bearer.slice(7);
  for (const name of ['x-api-key', 'x-goog-api-key', 'api-key']) {
    const value = headers[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}
