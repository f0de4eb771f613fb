/**
 * `gateway/<prefix>:<model>` calls an Understudy gateway, which serves every provider behind two routes:
 * `/v1/chat/completions` and `/v1/messages`, the model named as `<prefix>:<model>` in the body.
 * GATEWAY_BASE_URL is the gateway's address as `understudy serve` prints it (`http://127.0.0.1:8787`),
 * the form `@anthropic-ai/sdk` takes; the OpenAI-client form with `/v1` is accepted too.
 *
 * @example
 * // GATEWAY_BASE_URL=http://127.0.0.1:8787 GATEWAY_API_KEY=k1
 * const { provider, modelName } = gatewayTarget('anthropic', 'claude-sonnet-4-5', {});
 * // POST http://127.0.0.1:8787/v1/messages with model 'anthropic:claude-sonnet-4-5'
 */

import { UserError } from '../core/errors/index.ts';
import { processEnv } from '../core/portable.ts';
import type { Provider } from '../transport/provider.ts';
import { apiRoot } from './base-url.ts';
import type { ProviderOptions } from './provider-options.ts';
import { ALIASES, PROVIDERS } from './table.ts';

/** What the adapter is built from: a provider pointing at the gateway and the model id the gateway resolves. */
export interface GatewayTarget {
  provider: Provider;
  modelName: string;
}

export function gatewayTarget(
  upstreamPrefix: string,
  modelName: string,
  options: ProviderOptions,
): GatewayTarget {
  const env = options.env ?? processEnv();
  const value = options.baseUrl ?? env.GATEWAY_BASE_URL;
  if (!value) {
    throw new UserError(
      `'gateway/${upstreamPrefix}:' needs the gateway's URL: set GATEWAY_BASE_URL (e.g. http://127.0.0.1:8787) or pass \`baseUrl\`.`,
    );
  }
  const from = options.baseUrl ? 'the `baseUrl` option' : 'GATEWAY_BASE_URL';
  const baseUrl = apiRoot({ value, from }, '/v1');
  // Anthropic models keep their own protocol, so thinking blocks and their signatures round-trip
  // unchanged; the gateway's own provider names (`chaos-openai`, `local`) and every other prefix take the
  // OpenAI protocol, which the gateway translates for any upstream.
  const upstream = PROVIDERS[ALIASES[upstreamPrefix] ?? upstreamPrefix];
  const protocol = upstream?.protocol === 'anthropic' ? 'anthropic' : 'openai-chat';
  const key = options.apiKey ?? env.GATEWAY_API_KEY;
  const provider: Provider = {
    name: `gateway/${upstreamPrefix}`,
    protocol,
    baseUrl,
    timeouts: options.timeouts,
    url: (path) => baseUrl + path,
    headers(): Record<string, string> {
      if (!key) {
        throw new UserError(
          'No API key for the gateway: set the GATEWAY_API_KEY environment variable, or pass `apiKey`.',
        );
      }
      return protocol === 'anthropic'
        ? { 'x-api-key': key, 'anthropic-version': '2023-06-01' }
        : { authorization: `Bearer ${key}` };
    },
  };
  return { provider, modelName: `${upstreamPrefix}:${modelName}` };
}
