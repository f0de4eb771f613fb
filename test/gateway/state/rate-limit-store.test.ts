import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  InMemoryRateLimitStore,
  type RateLimitDecision,
  type SlidingWindowCounters,
  slidingWindowHit,
} from '../../../src/gateway/state/rate-limit-store.ts';
import { openRedis } from '../../../src/gateway/state/redis-connection.ts';
import { RedisRateLimitStore } from '../../../src/gateway/state/redis-rate-limit-store.ts';
import { TestRedisServer } from './redis-server.ts';

describe('slidingWindowHit', () => {
  it('allows up to the limit in one window and says how long until the next unit fits', () => {
    let counters: SlidingWindowCounters | undefined;
    const decisions: RateLimitDecision[] = [];
    for (let i = 0; i < 4; i++) {
      const { decision, next } = slidingWindowHit(counters, 10_000 + 250, {
        windowMs: 1000,
        cost: 1,
        limit: 3,
      });
      counters = next;
      decisions.push(decision);
    }
    expect(decisions).toEqual([
      { allowed: true, remaining: 2, retryAfterMs: 0 },
      { allowed: true, remaining: 1, retryAfterMs: 0 },
      { allowed: true, remaining: 0, retryAfterMs: 0 },
      // 750 ms to the next window, then the 3 spent must decay to 2: one third of a window more.
      { allowed: false, remaining: 0, retryAfterMs: 1084 },
    ]);
    expect(counters).toEqual({ window: 10, current: 3, previous: 0 });
  });

  it('counts the previous window in proportion to its overlap with the sliding window', () => {
    const full = { window: 9, current: 10, previous: 0 };
    // 25% into window 10: the previous 10 weigh 7.5, so 2 more fit and a third does not.
    const first = slidingWindowHit(full, 10_250, { windowMs: 1000, cost: 2, limit: 10 });
    expect(first.decision).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    const second = slidingWindowHit(first.next, 10_250, { windowMs: 1000, cost: 1, limit: 10 });
    // room without the previous = 10 - 2 - 1 = 7; previous must fall to 7 -> 30% of W gone -> 50 ms more.
    expect(second.decision).toEqual({ allowed: false, remaining: 0, retryAfterMs: 50 });
    expect(
      slidingWindowHit(first.next, 10_300, { windowMs: 1000, cost: 1, limit: 10 }).decision.allowed,
    ).toBe(true);
  });

  it('forgets counters two windows old and never allows a cost above the limit', () => {
    expect(
      slidingWindowHit({ window: 1, current: 99, previous: 99 }, 3000, { windowMs: 1000, cost: 5, limit: 5 })
        .decision,
    ).toEqual({
      allowed: true,
      remaining: 0,
      retryAfterMs: 0,
    });
    expect(slidingWindowHit(undefined, 0, { windowMs: 1000, cost: 6, limit: 5 }).decision).toEqual({
      allowed: false,
      remaining: 5,
      retryAfterMs: 1000,
    });
  });
});

describe('InMemoryRateLimitStore', () => {
  it('does not count denied hits and sweeps idle keys', async () => {
    let now = 60_000;
    const store = new InMemoryRateLimitStore({ now: () => now });
    expect(await store.hit({ key: 'a', windowMs: 1000, cost: 1, limit: 1 })).toEqual({
      allowed: true,
      remaining: 0,
      retryAfterMs: 0,
    });
    expect((await store.hit({ key: 'a', windowMs: 1000, cost: 1, limit: 1 })).allowed).toBe(false);
    expect((await store.hit({ key: 'a', windowMs: 1000, cost: 1, limit: 1 })).allowed).toBe(false);
    now += 1000; // window 61: previous = 1, fully weighted at the edge
    expect((await store.hit({ key: 'a', windowMs: 1000, cost: 1, limit: 1 })).allowed).toBe(false);
    now += 10; // 1% decayed: 0.99 + 1 > 1 still
    expect((await store.hit({ key: 'a', windowMs: 1000, cost: 1, limit: 1 })).retryAfterMs).toBe(990);
    now += 2000;
    expect(await store.hit({ key: 'b', windowMs: 1000, cost: 1, limit: 1 })).toEqual({
      allowed: true,
      remaining: 0,
      retryAfterMs: 0,
    });
    expect(store.size).toBe(1); // 'a' was idle for two windows and is gone
  });

  it('counts a hit marked always even over the limit', async () => {
    const store = new InMemoryRateLimitStore({ now: () => 500 });
    expect((await store.hit({ key: 't', windowMs: 1000, cost: 8, limit: 10 })).remaining).toBe(2);
    expect(await store.hit({ key: 't', windowMs: 1000, cost: 5, limit: 10, always: true })).toEqual({
      allowed: false,
      remaining: 2,
      retryAfterMs: 500 + 375,
    });
    expect(await store.hit({ key: 't', windowMs: 1000, cost: 0, limit: 20 })).toEqual({
      allowed: true,
      remaining: 7,
      retryAfterMs: 0,
    });
  });
});

describe('RedisRateLimitStore (real redis-server)', () => {
  let redis: TestRedisServer;
  const clients: Redis[] = [];
  const connect = async () => {
    const client = openRedis({ url: redis.url });
    clients.push(client);
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    return client;
  };

  beforeAll(async () => {
    redis = await TestRedisServer.start();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('shares one budget between two gateway processes, atomically', async () => {
    const a = new RedisRateLimitStore(await connect());
    const b = new RedisRateLimitStore(await connect());
    const hits = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).hit({ key: 'shared', windowMs: 3_600_000, cost: 1, limit: 7 }),
      ),
    );
    expect(hits.filter((hit) => hit.allowed)).toHaveLength(7);
    expect(hits.filter((hit) => !hit.allowed)).toHaveLength(13);
    expect(
      hits
        .filter((hit) => hit.allowed)
        .map((hit) => hit.remaining)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const denied = await a.hit({ key: 'shared', windowMs: 3_600_000, cost: 1, limit: 7 });
    expect(denied.allowed).toBe(false);
    expect(denied.remaining).toBe(0);
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(3_600_000 + 3_600_000 / 7 + 1);
  });

  it('decides like the in-memory twin for costs and limits', async () => {
    const store = new RedisRateLimitStore(await connect());
    expect(await store.hit({ key: 'tpm', windowMs: 3_600_000, cost: 400, limit: 1000 })).toEqual({
      allowed: true,
      remaining: 600,
      retryAfterMs: 0,
    });
    expect(await store.hit({ key: 'tpm', windowMs: 3_600_000, cost: 600, limit: 1000 })).toEqual({
      allowed: true,
      remaining: 0,
      retryAfterMs: 0,
    });
    const over = await store.hit({ key: 'tpm', windowMs: 3_600_000, cost: 1, limit: 1000 });
    expect(over.allowed).toBe(false);
    expect(await store.hit({ key: 'huge', windowMs: 1000, cost: 2000, limit: 1000 })).toEqual({
      allowed: false,
      remaining: 1000,
      retryAfterMs: 1000,
    });
  });

  it('keeps deciding from memory while Redis is down, and uses Redis again when it is back', async () => {
    const client = await connect();
    const store = new RedisRateLimitStore(client);
    expect((await store.hit({ key: 'flaky', windowMs: 3_600_000, cost: 1, limit: 2 })).remaining).toBe(1);
    await redis.stop();
    // Local fallback starts empty: the process keeps serving under its own budget.
    expect(await store.hit({ key: 'flaky', windowMs: 3_600_000, cost: 1, limit: 2 })).toEqual({
      allowed: true,
      remaining: 1,
      retryAfterMs: 0,
    });
    expect(await store.hit({ key: 'flaky', windowMs: 3_600_000, cost: 1, limit: 2 })).toEqual({
      allowed: true,
      remaining: 0,
      retryAfterMs: 0,
    });
    expect((await store.hit({ key: 'flaky', windowMs: 3_600_000, cost: 1, limit: 2 })).allowed).toBe(false);
    await redis.resume();
    await new Promise((resolve) => client.once('ready', resolve));
    // Fresh Redis (no persistence): the shared count starts again.
    expect(await store.hit({ key: 'flaky', windowMs: 3_600_000, cost: 1, limit: 2 })).toEqual({
      allowed: true,
      remaining: 1,
      retryAfterMs: 0,
    });
  });
});
