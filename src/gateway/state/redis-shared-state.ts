/**
 * The gateway's `sharedState` factory for a config with `redis:`: breaker state and rate limits in one
 * Redis, each on connections that fail fast and fall back to local state while Redis is away.
 */
import type { HealthStore } from '../../fallback/breaker/health-store.ts';
import type { RateLimitStore } from './rate-limit-store.ts';
import { openRedis } from './redis-connection.ts';
import { RedisHealthStore } from './redis-health-store.ts';
import { RedisRateLimitStore } from './redis-rate-limit-store.ts';

/** What `startGateway({ sharedState })` expects back. */
export interface RedisSharedState {
  healthStore: HealthStore;
  rateLimitStore: RateLimitStore;
  close(): Promise<void>;
}

/**
 * Opens the Redis-backed stores for `redisUrl`. Never waits for Redis to be up: a gateway that starts
 * while Redis is down serves on local state and joins the fleet's state when Redis appears. Connection
 * errors are reported through `log` at most once per `logEveryMs`.
 *
 * @example
 * const gateway = await startGateway({ config: 'understudy.yaml', sharedState: createRedisSharedState });
 */
export async function createRedisSharedState(
  redisUrl: string,
  options: { keyPrefix?: string; log?: (line: string) => void; logEveryMs?: number } = {},
): Promise<RedisSharedState> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const logEveryMs = options.logEveryMs ?? 30_000;
  let lastLogged = 0;
  const report = (error: unknown): void => {
    const now = Date.now();
    if (now - lastLogged < logEveryMs) return;
    lastLogged = now;
    // The message only: an ioredis error can quote the URL, and the URL can hold a password.
    const message = error instanceof Error ? error.message : String(error);
    log(`redis unavailable, serving on local state: ${message.replace(/\/\/[^@/\s]*@/g, '//***@')}`);
  };
  const keyPrefix = options.keyPrefix ?? 'understudy:';
  const healthStore = new RedisHealthStore({ url: redisUrl, keyPrefix, onBackendError: report });
  const rateLimitStore = new RedisRateLimitStore(openRedis({ url: redisUrl }, report), {
    keyPrefix,
    ownsConnection: true,
  });
  return {
    healthStore,
    rateLimitStore,
    async close() {
      await Promise.all([healthStore.close(), rateLimitStore.close()]);
    },
  };
}
