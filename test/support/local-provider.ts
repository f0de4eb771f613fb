/**
 * A Provider that points an adapter at a local test server (a cassette replay or a hand-written
 * handler) instead of the real API, with fixed fake credentials. Tests still assert the path and headers
 * the adapter sent; this only removes the same eight lines of wiring from every adapter's test files.
 */
import type { HttpTimeouts } from '../../src/transport/client.ts';
import type { Protocol, Provider } from '../../src/transport/provider.ts';

export interface LocalProviderOptions {
  /** The provider's prefix, reported as `providerName` (`openai`, `groq`, `google-vertex`, ...). */
  name: string;
  protocol: Protocol;
  /** The API's path prefix on the server, e.g. `/v1`; none by default. */
  prefix?: string;
  /** The auth headers the provider adds, or a function (one that throws stands for a missing key). */
  headers?: Record<string, string> | Provider['headers'];
  timeouts?: HttpTimeouts;
}

/**
 * A Provider whose base URL is `server.url + prefix`.
 *
 * @example
 * const server = await serveCassette(loadCassette('test_openai', 'test_valid_response'));
 * const provider = localProvider(server, { name: 'openai', protocol: 'openai-chat', prefix: '/v1',
 *   headers: { authorization: 'Bearer test-key' } });
 * const model = new OpenAIChatModel('gpt-4o', { provider });
 */
export function localProvider(server: { url: string } | string, options: LocalProviderOptions): Provider {
  const baseUrl = (typeof server === 'string' ? server : server.url) + (options.prefix ?? '');
  const headers = options.headers ?? {};
  return {
    name: options.name,
    protocol: options.protocol,
    baseUrl,
    url: (path) => `${baseUrl}${path}`,
    headers: typeof headers === 'function' ? headers : () => ({ ...headers }),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
  };
}
