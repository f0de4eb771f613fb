/**
 * A provider holds what is not the protocol: where to send requests and how to authenticate. One
 * protocol adapter (openai-chat, anthropic, google) serves many providers.
 *
 * @example
 * const provider = openAICompatibleProvider({ name: 'local', baseUrl: 'http://127.0.0.1:9001/v1', apiKey: 'x' });
 * const model = new OpenAIChatModel('gpt-4o', { provider });
 */
import type { HttpTimeouts } from './client.ts';

export type Protocol = 'openai-chat' | 'openai-responses' | 'anthropic' | 'google' | 'bedrock';

export interface Provider {
  /** The provider's prefix, e.g. `openai`, `groq`, `google-vertex`; reported as `providerName`. */
  readonly name: string;
  readonly protocol: Protocol;
  /**
   * The API root endpoint paths are appended to, without a trailing slash: `https://api.openai.com/v1`,
   * `https://api.anthropic.com/v1`. A configured base URL becomes this as its official SDK reads it.
   */
  readonly baseUrl: string;
  /**
   * The full URL for an endpoint path of the protocol (`/chat/completions`, `/messages`,
   * `/models/gemini-2.5-pro:generateContent`). Providers with query parameters (Azure's api-version)
   * or model-specific paths (Azure deployments) add them here.
   */
  url(path: string, modelName: string): string;
  /**
   * Authentication and fixed headers. Throws a `UserError` naming the missing environment variable; it is
   * called at the first request, so models can be built before keys exist. May be async (a token
   * function that refreshes an OAuth token): always `await provider.headers()`.
   */
  headers(): Record<string, string> | Promise<Record<string, string>>;
  readonly timeouts?: HttpTimeouts;
  /** When this provider holds one key of a pool: the key's fingerprint (key-fingerprint.ts), never the key. */
  readonly keyFingerprint?: string;
}
