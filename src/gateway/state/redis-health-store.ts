/**
 * Circuit-breaker state shared through Redis, so N gateway processes agree on which models are down.
 * Every write is one Lua script (atomic, so the half-open probe's compare-and-set has one winner across
 * the fleet); a state change is published on a channel that every process subscribes to, which is how a
 * breaker opened by one process reaches the others within milliseconds. Reads never touch Redis: they
 * come from the mirror `SharedHealthStore` keeps. Layout under the prefix: `health:r:<key>` (hash: state,
 * cf, until, lf, at, and b = the window's buckets), `health:keys` (set), channel `health:changed`.
 * Single-node Redis (the snapshot builds key names inside a script).
 */
import type { Redis } from 'ioredis';
import type { BreakerState } from '../../fallback/breaker/health-store.ts';
import type { BreakerPosition, HealthOutcome, VersionedHealthRecord } from './health-record.ts';
import { isRedisReady, openRedis } from './redis-connection.ts';
import {
  type HealthBackend,
  type HealthBackendListener,
  SharedHealthStore,
  type SharedHealthStoreOptions,
} from './shared-health-store.ts';

// Reads one record as six strings: state, consecutive failures, until, last failure, changedAt, window.
const READ = `
local function read(r)
  local h = redis.call('HMGET', r, 'state', 'cf', 'until', 'lf', 'at', 'b')
  return {h[1] or 'closed', h[2] or '0', h[3] or '0', h[4] or '0', h[5] or '0', h[6] or ''}
end
`;

// KEYS: record, key set. ARGV: key, failed (0|1), at, windowMs. The window is kept as in the resilience
// InMemoryHealthStore: tenths of it, 'start:requests:failures' comma-separated in field b.
const RECORD = `${READ}
local at = tonumber(ARGV[3])
local windowMs = tonumber(ARGV[4])
local bucketMs = math.max(1, math.floor(windowMs / 10))
local bucket = at - (at % bucketMs)
local since = at - windowMs
local kept = {}
for start, requests, failures in string.gmatch(redis.call('HGET', KEYS[1], 'b') or '', '(%d+):(%d+):(%d+)') do
  start = tonumber(start)
  if start + bucketMs > since then table.insert(kept, {start, tonumber(requests), tonumber(failures)}) end
end
local last = kept[#kept]
if not last or last[1] < bucket then
  last = {bucket, 0, 0}
  table.insert(kept, last)
end
last[2] = last[2] + 1
if ARGV[2] == '1' then
  last[3] = last[3] + 1
  redis.call('HINCRBY', KEYS[1], 'cf', 1)
  redis.call('HSET', KEYS[1], 'lf', ARGV[3])
else
  redis.call('HSET', KEYS[1], 'cf', 0)
end
local parts = {}
for i, b in ipairs(kept) do parts[i] = string.format('%.0f:%.0f:%.0f', b[1], b[2], b[3]) end
redis.call('HSET', KEYS[1], 'b', table.concat(parts, ','))
redis.call('SADD', KEYS[2], ARGV[1])
return read(KEYS[1])
`;

// KEYS: record, key set. ARGV: key, from state, from until, to state, to until, changedAt, channel.
const TRANSITION = `${READ}
local h = redis.call('HMGET', KEYS[1], 'state', 'until')
if (h[1] or 'closed') ~= ARGV[2] or tonumber(h[2] or '0') ~= tonumber(ARGV[3]) then
  local current = read(KEYS[1])
  table.insert(current, 1, 0)
  return current
end
redis.call('HSET', KEYS[1], 'state', ARGV[4], 'until', ARGV[5], 'at', ARGV[6])
if ARGV[4] == 'closed' then redis.call('HSET', KEYS[1], 'cf', 0, 'b', '') end
redis.call('SADD', KEYS[2], ARGV[1])
local current = read(KEYS[1])
redis.call('PUBLISH', ARGV[7], cjson.encode({ARGV[1], current[1], current[2], current[3], current[4], current[5], current[6]}))
table.insert(current, 1, 1)
return current
`;

// KEYS: record, key set. ARGV: key, state, cf, until, lf, changedAt, window, channel.
// Last writer wins: a record changed later than the stored one replaces it and is published.
const MERGE = `${READ}
if tonumber(redis.call('HGET', KEYS[1], 'at') or '0') >= tonumber(ARGV[6]) then return read(KEYS[1]) end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'cf', ARGV[3], 'until', ARGV[4], 'lf', ARGV[5], 'at', ARGV[6], 'b', ARGV[7])
redis.call('SADD', KEYS[2], ARGV[1])
local current = read(KEYS[1])
redis.call('PUBLISH', ARGV[8], cjson.encode({ARGV[1], current[1], current[2], current[3], current[4], current[5], current[6]}))
return current
`;

// KEYS: key set. ARGV: record key prefix. Returns {key, ...read} per breaker.
const SNAPSHOT = `${READ}
local out = {}
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local current = read(ARGV[1] .. key)
  table.insert(current, 1, key)
  table.insert(out, current)
end
return out
`;

type Fields = [string, string, string, string, string, string];

type ScriptedRedis = Redis & {
  understudyHealthRecord(...args: Array<string | number>): Promise<Fields>;
  understudyHealthTransition(...args: Array<string | number>): Promise<[number, ...Fields]>;
  understudyHealthMerge(...args: Array<string | number>): Promise<Fields>;
  understudyHealthSnapshot(...args: Array<string | number>): Promise<Array<[string, ...Fields]>>;
};

function parseFields([state, cf, until, lf, at, window]: readonly string[]): VersionedHealthRecord {
  const recent: Array<[number, number, number]> = [];
  for (const item of (window ?? '').split(',')) {
    if (item === '') continue;
    const [start, requests, failures] = item.split(':');
    recent.push([Number(start), Number(requests), Number(failures)]);
  }
  return {
    record: {
      state: (state === 'open' || state === 'half-open' ? state : 'closed') as BreakerState,
      consecutiveFailures: Number(cf),
      until: Number(until),
      lastFailureAt: Number(lf),
      recent,
    },
    changedAt: Number(at),
  };
}

/**
 * The Redis half of `RedisHealthStore`; exported for stores that want their own mirror policy.
 *
 * @example
 * const backend = new RedisHealthBackend(openRedis({ url }), openRedis({ url }));
 */
export class RedisHealthBackend implements HealthBackend {
  readonly #redis: ScriptedRedis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #channel: string;

  /** `subscriber` must be a connection of its own: Redis reserves a subscribed connection for messages. */
  constructor(redis: Redis, subscriber: Redis, options: { keyPrefix?: string } = {}) {
    this.#prefix = `${options.keyPrefix ?? 'understudy:'}health:`;
    this.#channel = `${this.#prefix}changed`;
    const scripts = {
      understudyHealthRecord: [2, RECORD],
      understudyHealthTransition: [2, TRANSITION],
      understudyHealthMerge: [2, MERGE],
      understudyHealthSnapshot: [1, SNAPSHOT],
    } as const;
    for (const [name, [numberOfKeys, lua]] of Object.entries(scripts)) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
    }
    this.#redis = redis as ScriptedRedis;
    this.#subscriber = subscriber;
  }

  get available(): boolean {
    return isRedisReady(this.#redis);
  }

  async record(key: string, outcome: HealthOutcome): Promise<VersionedHealthRecord> {
    const fields = await this.#redis.understudyHealthRecord(
      ...this.#keys(key),
      key,
      outcome.failed ? 1 : 0,
      Math.round(outcome.at),
      Math.max(1, Math.round(outcome.windowMs)),
    );
    return parseFields(fields);
  }

  async transition(
    key: string,
    from: BreakerPosition,
    to: BreakerPosition,
    changedAt: number,
  ): Promise<{ moved: boolean; entry: VersionedHealthRecord }> {
    const [moved, ...fields] = await this.#redis.understudyHealthTransition(
      ...this.#keys(key),
      key,
      from.state,
      from.until,
      to.state,
      to.until,
      changedAt,
      this.#channel,
    );
    return { moved: moved === 1, entry: parseFields(fields) };
  }

  async merge(key: string, entry: VersionedHealthRecord): Promise<VersionedHealthRecord> {
    const { record } = entry;
    const fields = await this.#redis.understudyHealthMerge(
      ...this.#keys(key),
      key,
      record.state,
      record.consecutiveFailures,
      record.until,
      record.lastFailureAt,
      entry.changedAt,
      record.recent.map(([start, requests, failures]) => `${start}:${requests}:${failures}`).join(','),
      this.#channel,
    );
    return parseFields(fields);
  }

  async snapshot(): Promise<Map<string, VersionedHealthRecord>> {
    const rows = await this.#redis.understudyHealthSnapshot(`${this.#prefix}keys`, `${this.#prefix}r:`);
    return new Map(rows.map(([key, ...fields]) => [key, parseFields(fields)]));
  }

  listen(listener: HealthBackendListener): void {
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.#channel) return;
      try {
        const [key, ...fields] = JSON.parse(message) as [string, ...Fields];
        if (typeof key === 'string' && fields.length === 6) listener.changed(key, parseFields(fields));
      } catch {
        // Not ours or damaged: the periodic resync repairs whatever it would have told us.
      }
    });
    const subscribe = () => {
      this.#subscriber.subscribe(this.#channel).then(
        () => listener.reconnected(),
        () => {},
      );
    };
    this.#subscriber.on('ready', subscribe);
    if (isRedisReady(this.#subscriber)) subscribe();
    // Also resync when the command connection comes back: writes made meanwhile went to the mirror.
    this.#redis.on('ready', () => listener.reconnected());
  }

  async close(): Promise<void> {
    this.#subscriber.disconnect();
    this.#redis.disconnect();
  }

  #keys(key: string): [string, string] {
    return [`${this.#prefix}r:${key}`, `${this.#prefix}keys`];
  }
}

/** Options of `RedisHealthStore`. */
export interface RedisHealthStoreOptions extends SharedHealthStoreOptions {
  url: string;
  keyPrefix?: string;
  commandTimeoutMs?: number;
}

/**
 * The resilience `HealthStore` for several gateway processes sharing one Redis. Reads are local and
 * instant; writes go to Redis (timing out fast) and fall back to local state while Redis is away, then
 * converge when it returns. Opens two connections (commands, and the change channel).
 *
 * @example
 * const healthStore = new RedisHealthStore({ url: 'redis://127.0.0.1:6379' });
 * const gateway = await startGateway({ config, healthStore });
 * // ... on shutdown
 * await healthStore.close();
 */
export class RedisHealthStore extends SharedHealthStore {
  constructor(options: RedisHealthStoreOptions) {
    const connection = { url: options.url, commandTimeoutMs: options.commandTimeoutMs };
    const report = (error: Error) => options.onBackendError?.(error);
    const backend = new RedisHealthBackend(
      openRedis(connection, report),
      openRedis({ ...connection, commandTimeoutMs: undefined }, report),
      options,
    );
    super(backend, options);
  }
}
