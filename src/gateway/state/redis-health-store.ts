/**
 * Circuit-breaker state shared through Redis, so N gateway processes agree on which models are down.
 * Every write is one Lua script (atomic, so the half-open probe's compare-and-set has one winner across
 * the fleet); a state change is published on a channel that every process subscribes to, which is how a
 * breaker opened by one process reaches the others within milliseconds. Reads never touch Redis: they
 * come from the mirror `SharedHealthStore` keeps. Layout under the prefix: `health:r:<key>` (hash: state,
 * cf, until, lf, at), `health:w:<key>` (list of `epochMs:0|1` outcomes), `health:keys` (set), channel
 * `health:changed`. Single-node Redis (the snapshot builds key names inside a script).
 */
import type { Redis } from 'ioredis';
import type { BreakerState } from '../../resilience/health-store.ts';
import {
  type BreakerPosition,
  DEFAULT_MAX_RECENT_OUTCOMES,
  type HealthOutcome,
  type VersionedHealthRecord,
} from './health-record.ts';
import { isRedisReady, openRedis } from './redis-connection.ts';
import {
  type HealthBackend,
  type HealthBackendListener,
  SharedHealthStore,
  type SharedHealthStoreOptions,
} from './shared-health-store.ts';

// Reads one record as six strings: state, consecutive failures, until, last failure, changedAt, outcomes.
const READ = `
local function read(r, w)
  local h = redis.call('HMGET', r, 'state', 'cf', 'until', 'lf', 'at')
  local list = redis.call('LRANGE', w, 0, -1)
  return {h[1] or 'closed', h[2] or '0', h[3] or '0', h[4] or '0', h[5] or '0', table.concat(list, ',')}
end
`;

// KEYS: record, outcomes, key set. ARGV: key, failed (0|1), at, windowMs, max outcomes.
const RECORD = `${READ}
local since = tonumber(ARGV[3]) - tonumber(ARGV[4])
while true do
  local head = redis.call('LINDEX', KEYS[2], 0)
  if not head then break end
  if tonumber(string.match(head, '^(%d+)')) > since then break end
  redis.call('LPOP', KEYS[2])
end
redis.call('RPUSH', KEYS[2], ARGV[3] .. ':' .. ARGV[2])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[5]), -1)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if ARGV[2] == '1' then
  redis.call('HINCRBY', KEYS[1], 'cf', 1)
  redis.call('HSET', KEYS[1], 'lf', ARGV[3])
else
  redis.call('HSET', KEYS[1], 'cf', 0)
end
redis.call('SADD', KEYS[3], ARGV[1])
return read(KEYS[1], KEYS[2])
`;

// KEYS: record, outcomes, key set. ARGV: key, from state, from until, to state, to until, changedAt, channel.
const TRANSITION = `${READ}
local h = redis.call('HMGET', KEYS[1], 'state', 'until')
if (h[1] or 'closed') ~= ARGV[2] or tonumber(h[2] or '0') ~= tonumber(ARGV[3]) then
  local current = read(KEYS[1], KEYS[2])
  table.insert(current, 1, 0)
  return current
end
redis.call('HSET', KEYS[1], 'state', ARGV[4], 'until', ARGV[5], 'at', ARGV[6])
if ARGV[4] == 'closed' then
  redis.call('HSET', KEYS[1], 'cf', 0)
  redis.call('DEL', KEYS[2])
end
redis.call('SADD', KEYS[3], ARGV[1])
local current = read(KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[7], cjson.encode({ARGV[1], current[1], current[2], current[3], current[4], current[5], current[6]}))
table.insert(current, 1, 1)
return current
`;

// KEYS: record, outcomes, key set. ARGV: key, state, cf, until, lf, changedAt, outcomes csv, channel.
// Last writer wins: a record changed later than the stored one replaces it and is published.
const MERGE = `${READ}
if tonumber(redis.call('HGET', KEYS[1], 'at') or '0') >= tonumber(ARGV[6]) then
  return read(KEYS[1], KEYS[2])
end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'cf', ARGV[3], 'until', ARGV[4], 'lf', ARGV[5], 'at', ARGV[6])
redis.call('DEL', KEYS[2])
for outcome in string.gmatch(ARGV[7], '[^,]+') do redis.call('RPUSH', KEYS[2], outcome) end
redis.call('SADD', KEYS[3], ARGV[1])
local current = read(KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[8], cjson.encode({ARGV[1], current[1], current[2], current[3], current[4], current[5], current[6]}))
return current
`;

// KEYS: key set. ARGV: record key prefix, outcomes key prefix. Returns {key, ...read} per breaker.
const SNAPSHOT = `${READ}
local out = {}
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local current = read(ARGV[1] .. key, ARGV[2] .. key)
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

function parseFields([state, cf, until, lf, at, outcomes]: readonly string[]): VersionedHealthRecord {
  const recent: Array<[number, 0 | 1]> = [];
  for (const item of (outcomes ?? '').split(',')) {
    if (item === '') continue;
    const [time, failed] = item.split(':');
    recent.push([Number(time), failed === '1' ? 1 : 0]);
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
  readonly #maxRecent: number;

  /** `subscriber` must be a connection of its own: Redis reserves a subscribed connection for messages. */
  constructor(
    redis: Redis,
    subscriber: Redis,
    options: { keyPrefix?: string; maxRecentOutcomes?: number } = {},
  ) {
    this.#prefix = `${options.keyPrefix ?? 'understudy:'}health:`;
    this.#channel = `${this.#prefix}changed`;
    this.#maxRecent = options.maxRecentOutcomes ?? DEFAULT_MAX_RECENT_OUTCOMES;
    const scripts = {
      understudyHealthRecord: [3, RECORD],
      understudyHealthTransition: [3, TRANSITION],
      understudyHealthMerge: [3, MERGE],
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
      this.#maxRecent,
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
      record.recent.map(([at, failed]) => `${at}:${failed}`).join(','),
      this.#channel,
    );
    return parseFields(fields);
  }

  async snapshot(): Promise<Map<string, VersionedHealthRecord>> {
    const rows = await this.#redis.understudyHealthSnapshot(
      `${this.#prefix}keys`,
      `${this.#prefix}r:`,
      `${this.#prefix}w:`,
    );
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

  #keys(key: string): [string, string, string] {
    return [`${this.#prefix}r:${key}`, `${this.#prefix}w:${key}`, `${this.#prefix}keys`];
  }
}

/** Options of `RedisHealthStore`. */
export interface RedisHealthStoreOptions extends SharedHealthStoreOptions {
  url: string;
  keyPrefix?: string;
  commandTimeoutMs?: number;
  maxRecentOutcomes?: number;
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
