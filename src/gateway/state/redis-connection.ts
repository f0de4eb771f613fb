/**
 * One way to open Redis for the gateway's shared state, tuned so Redis can never slow or break a request:
 * no offline queue (a command while disconnected fails at once instead of waiting), a short command
 * timeout, no per-command retries, and reconnection with capped exponential backoff in the background.
 * Callers treat every failure as "Redis is away" and answer from local state.
 */
import { Redis } from 'ioredis';

/** How the gateway talks to Redis; every field has a default fit for the request path. */
export interface RedisConnectionOptions {
  /** `redis://[:password@]host:port[/db]`. */
  url: string;
  /** A command without a reply after this long fails (ms). */
  commandTimeoutMs?: number;
  /** Giving up on one connection attempt (ms). */
  connectTimeoutMs?: number;
  /** Longest wait between reconnection attempts (ms). */
  maxReconnectDelayMs?: number;
  /** Prefix of every key and channel, so several gateways can share one Redis. */
  keyPrefix?: string;
}

/**
 * Opens a Redis client with the gateway's fail-fast settings. Errors are reported through `onError`
 * (rate-limited by the caller if it logs) rather than as unhandled 'error' events.
 *
 * @example
 * const redis = openRedis({ url: 'redis://127.0.0.1:6379' }, (error) => log.warn(error.message));
 */
export function openRedis(
  options: RedisConnectionOptions,
  onError: (error: Error) => void = () => {},
): Redis {
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  const client = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 250,
    connectTimeout: options.connectTimeoutMs ?? 1000,
    // 50, 100, 200 ... ms, capped: quick to come back after a blip, gentle on a Redis that stays down.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay),
    lazyConnect: false,
  });
  client.on('error', onError);
  return client;
}

/**
 * True when the client is connected and ready for commands; otherwise local state answers.
 *
 * @example
 * const decision = isRedisReady(redis) ? await viaRedis() : locally();
 */
export function isRedisReady(client: Redis): boolean {
  return client.status === 'ready';
}
