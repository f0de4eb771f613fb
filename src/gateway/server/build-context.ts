/**
 * Builds a GatewayContext from a validated config: the model registry, client keys and limits. Called at
 * start and on every reload; anything wrong (an unset key variable, an unknown provider type) throws
 * here, so a bad reload keeps the old context.
 */
import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { CircuitBreaker } from '../../fallback/breaker/circuit-breaker.ts';
import type { HealthStore } from '../../fallback/breaker/health-store.ts';
import { ClientKeys } from '../auth/client-keys.ts';
import type { GatewayConfig } from '../config/schema.ts';
import type { GatewayEventMap } from '../events.ts';
import { ModelRegistry } from '../routing/model-registry.ts';
import type { RateLimitStore } from '../state/rate-limit-store.ts';
import type { GatewayContext } from './context.ts';
import { createHostCheck } from './host-check.ts';
import type { ExtraRoute } from './http-types.ts';
import type { InFlightCalls } from './in-flight.ts';
import type { Platform } from './platform.ts';

/**
 * 32 MiB, Anthropic's own limit on a Messages request: coding agents send long conversations with images
 * and documents inline, and a gateway that refused what the provider accepts would break them. The
 * body is still read only up to this size, and refused before reading when `content-length` says more.
 */
export const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;
export const DEFAULT_MAX_JSON_DEPTH = 64;

export interface SharedParts {
  env: Record<string, string | undefined>;
  breaker: CircuitBreaker;
  healthStore: HealthStore;
  rateLimitStore: RateLimitStore;
  events: EventEmitter<GatewayEventMap>;
  extraRoutes: readonly ExtraRoute[];
  log: (line: string) => void;
  inFlight: InFlightCalls;
  /** The address the server listens on, which decides whether the Host check applies. */
  boundTo: string;
  platform: Platform | undefined;
}

export function buildContext(config: GatewayConfig, shared: SharedParts): GatewayContext {
  const platform = shared.platform;
  platform?.configure(config);
  const adminKey = shared.env.UNDERSTUDY_ADMIN_KEY;
  return {
    registry: new ModelRegistry(config, {
      env: shared.env,
      breaker: shared.breaker,
      onKeyRemoved: (removed) => {
        shared.log(
          `a key of ${removed.deployment} (${removed.keyFingerprint}) was refused with ${removed.statusCode ?? 'an auth error'} and taken out of its pool until the next reload; replace it in the environment`,
        );
        shared.events.emit('key-removed', removed);
      },
    }),
    clients: ClientKeys.fromConfig(config, shared.env, platform?.managedKeys, platform?.keyBudgets),
    bodyLimits: {
      maxBytes: config.server?.bodyLimit ?? DEFAULT_BODY_LIMIT,
      maxDepth: config.server?.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH,
    },
    cors: config.server?.cors,
    hostCheck: createHostCheck({ boundTo: shared.boundTo, allowedHosts: config.server?.allowedHosts }),
    rateLimitStore: shared.rateLimitStore,
    healthStore: shared.healthStore,
    events: shared.events,
    extraRoutes: shared.extraRoutes,
    log: shared.log,
    inFlight: shared.inFlight,
    ledger: platform?.ledger,
    budgets: platform?.budgets,
    managedKeys: platform?.managedKeys,
    keyBudgets: platform?.keyBudgets ?? new Map(),
    adminKeyHash: adminKey ? createHash('sha256').update(adminKey).digest() : undefined,
  };
}
