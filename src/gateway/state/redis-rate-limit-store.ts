/**
 * Rate limits shared by every gateway process through Redis: one Lua script reads, decides and writes a
 * key's counters atomically, so two processes can never both spend the last unit. The clock is Redis's
 * own (`TIME`), so processes with skewed clocks still agree on window edges.
 */
import type { Redis } from 'ioredis';
import {
  InMemoryRateLimitStore,
  type RateLimitDecision,
  type RateLimitHit,
  type RateLimitStore,
} from './rate-limit-store.ts';
import { isRedisReady } from './redis-connection.ts';

// The Lua twin of slidingWindowHit (rate-limit-store.ts): same counters, same arithmetic, same answers.
// One hash per key (fields w, c, p) keeps it to a single key, so it also works on Redis Cluster.
const SLIDING_WINDOW_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local W = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local window = math.floor(now / W)
local elapsed = now - window * W
local stored = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
local current, previous = 0, 0
if stored[1] then
  local w = tonumber(stored[1])
  if w == window then
    current = tonumber(stored[2]); previous = tonumber(stored[3])
  elseif w == window - 1 then
    previous = tonumber(stored[2])
  end
end
local weighted = previous * (W - elapsed) / W + current
if cost <= limit and weighted + cost <= limit then
  redis.call('HSET', KEYS[1], 'w', window, 'c', current + cost, 'p', previous)
  redis.call('PEXPIRE', KEYS[1], 2 * W)
  return {1, tostring(math.floor(limit - weighted - cost)), '0'}
end
if ARGV[4] == '1' then
  redis.call('HSET', KEYS[1], 'w', window, 'c', current + cost, 'p', previous)
  redis.call('PEXPIRE', KEYS[1], 2 * W)
end
local remaining = math.max(0, math.floor(limit - weighted))
local retry
if cost > limit then
  retry = W
else
  local room = limit - current - cost
  if room >= 0 and previous > 0 then
    retry = math.max(1, math.ceil(W - elapsed - room * W / previous))
  else
    local decay = 0
    if current > 0 then decay = math.max(0, W - (limit - cost) * W / current) end
    retry = math.max(1, math.ceil(W - elapsed + decay))
  end
end
return {0, tostring(remaining), tostring(retry)}
`;

// ioredis calls a defined script with its KEYS then its ARGV, by position: the Lua script's order.
type ScriptedRedis = Redis & {
  understudyRateLimit(
    key: string,
    windowMs: number,
    cost: number,
    limit: number,
    always: 0 | 1,
  ): Promise<[number, string, string]>;
};

/**
 * A `RateLimitStore` in Redis. While Redis is unreachable (or slower than the command timeout) each
 * process counts in its own memory instead — limits then hold per process rather than across the fleet,
 * which is the price of never failing a request because Redis is down.
 *
 * @example
 * const redis = openRedis({ url: 'redis://127.0.0.1:6379' });
 * const limits = new RedisRateLimitStore(redis, { keyPrefix: 'understudy:' });
 * await limits.hit({ key: 'rpm:ab12', windowMs: 60_000, cost: 1, limit: 600 });
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #redis: ScriptedRedis;
  readonly #prefix: string;
  readonly #local: InMemoryRateLimitStore;
  readonly #ownsConnection: boolean;

  constructor(
    redis: Redis,
    options: { keyPrefix?: string; ownsConnection?: boolean; now?: () => number } = {},
  ) {
    this.#prefix = `${options.keyPrefix ?? 'understudy:'}rl:`;
    this.#local = new InMemoryRateLimitStore(options.now ? { now: options.now } : {});
    this.#ownsConnection = options.ownsConnection ?? false;
    if (!('understudyRateLimit' in redis)) {
      redis.defineCommand('understudyRateLimit', { numberOfKeys: 1, lua: SLIDING_WINDOW_SCRIPT });
    }
    this.#redis = redis as ScriptedRedis;
  }

  async hit(hit: RateLimitHit): Promise<RateLimitDecision> {
    if (!isRedisReady(this.#redis)) return this.#local.hitNow(hit);
    try {
      const [allowed, remaining, retryAfterMs] = await this.#redis.understudyRateLimit(
        this.#prefix + hit.key,
        Math.max(1, Math.round(hit.windowMs)),
        hit.cost,
        hit.limit,
        hit.always ? 1 : 0,
      );
      return { allowed: allowed === 1, remaining: Number(remaining), retryAfterMs: Number(retryAfterMs) };
    } catch {
      // Timeout or a connection lost mid-command: this hit is decided locally, the next tries Redis again.
      return this.#local.hitNow(hit);
    }
  }

  async close(): Promise<void> {
    await this.#local.close();
    if (this.#ownsConnection) this.#redis.disconnect();
  }
}
