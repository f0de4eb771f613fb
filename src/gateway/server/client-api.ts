/**
 * Which protocol a client speaks, for the routes both protocols share (`/v1/models`) and for errors off
 * the chat routes. The official SDKs tell themselves apart by their headers: `@anthropic-ai/sdk` (and
 * Claude Code) always send `anthropic-version`, and put the key in `x-api-key`; the OpenAI SDK never
 * sends `anthropic-version` and puts the key in `Authorization: Bearer`. So: `anthropic-version`, or an
 * `x-api-key` with no `Authorization`, means Anthropic; `@google/genai` (and Gemini CLI) send
 * `x-goog-api-key` and `x-goog-api-client`, which mean Gemini; anything else OpenAI, the gateway's default.
 *
 * @example
 * clientApiOf({ 'anthropic-version': '2023-06-01' }) // 'anthropic'
 * clientApiOf({ authorization: 'Bearer k' })          // 'openai'
 */
import type { IncomingHttpHeaders } from 'node:http';

export type ClientApi = 'openai' | 'anthropic' | 'gemini';

export function clientApiOf(headers: IncomingHttpHeaders): ClientApi {
  if (headers['x-goog-api-key'] !== undefined || headers['x-goog-api-client'] !== undefined) return 'gemini';
  if (headers['anthropic-version'] !== undefined) return 'anthropic';
  if (headers['x-api-key'] !== undefined && headers.authorization === undefined) return 'anthropic';
  return 'openai';
}
