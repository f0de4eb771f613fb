/**
 * `understudy/gateway`: an OpenAI- and Anthropic-compatible server with OpenRouter-style fallback.
 *
 * @example
 * import { startGateway } from 'understudy/gateway';
 * const gateway = await startGateway({ config: 'understudy.yaml', port: 8787 });
 * // any OpenAI client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: '...' })
 */
export { type ClientIdentity, ClientKeys, hashClientKey } from './auth/client-keys.ts';
export {
  type EmbeddedDefault,
  embeddedDefault,
  embeddedDefaultBanner,
  providerKeysInEnv,
} from './config/embedded-default.ts';
export { ConfigError, loadConfigFile, parseConfigText } from './config/load-config.ts';
export {
  type ClientConfig,
  type GatewayConfig,
  type GatewayConfigInput,
  gatewayConfigSchema,
  type ProviderConfig,
  type RouteConfig,
} from './config/schema.ts';
export { type AttemptSummary, GatewayError, type GatewayErrorCode } from './errors/gateway-error.ts';
export { scrubSecrets } from './errors/scrub.ts';
export type { BreakerChanged, GatewayEventMap, RequestFinished } from './events.ts';
export type { GatewayContext } from './server/context.ts';
export { createGatewayHandler, type GatewayHandler } from './server/handler.ts';
export type { ExtraRoute, GatewayRequest, GatewayResponse } from './server/http-types.ts';
export { type InjectedResponse, type InjectOptions, inject } from './server/inject.ts';
export {
  type Gateway,
  type SharedStateFactory,
  type StartGatewayOptions,
  startGateway,
} from './server/start-gateway.ts';
