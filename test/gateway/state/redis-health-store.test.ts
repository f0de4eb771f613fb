import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/fallback/breaker/circuit-breaker.ts';
import { type HealthRecord, InMemoryHealthStore } from '../../../src/fallback/breaker/health-store.ts';
import { RedisHealthStore } from '../../../src/gateway/state/redis-health-store.ts';
import { TestRedisServer } from './redis-server.ts';

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return performance.now() - started;
}

describe('RedisHealthStore (real redis-server)', () => {
  let redis: TestRedisServer;
  const stores: RedisHealthStore[] = [];
  let prefix = 0;

  // Two stores with their own connections stand for two gateway processes; each test gets fresh keys.
  async function twoProcesses(keyPrefix = `t${++prefix}:`): Promise<[RedisHealthStore, RedisHealthStore]> {
    const made = [0, 1].map(() => new RedisHealthStore({ url: redis.url, keyPrefix, resyncIntervalMs: 0 }));
    stores.push(...made);
    // Ready = the change channel is subscribed (its first resync has run).
    await Promise.all(made.map((store) => until(() => store.resync().then(() => true), 2000)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    return made as [RedisHealthStore, RedisHealthStore];
  }

  beforeAll(async () => {
    redis = await TestRedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('a breaker opened by one process is seen by the other within 1 s', async () => {
    const [a, b] = await twoProcesses();
    const breakerA = new CircuitBreaker({ store: a, failureThreshold: 2, cooldownMs: 60_000 });
    const breakerB = new CircuitBreaker({ store: b, failureThreshold: 2, cooldownMs: 60_000 });
    expect(await breakerB.admit('openai:gpt-4o')).toBe('pass');
    await breakerA.onFailure('openai:gpt-4o', 'server');
    // From the start of the failure that opens the breaker in A to B skipping the model.
    const opening = breakerA.onFailure('openai:gpt-4o', 'server');
    const seenAfter = await until(async () => (await breakerB.admit('openai:gpt-4o')) === 'skip', 1000);
    await opening;
    console.info(`breaker propagation through Redis pub/sub: ${seenAfter.toFixed(2)} ms`);
    expect(seenAfter).toBeLessThan(1000);
    const seen = (await b.get('openai:gpt-4o')) as HealthRecord;
    expect(seen.state).toBe('open');
    expect(seen.consecutiveFailures).toBe(2);
    expect(seen.recent.reduce((sum, [, requests, failures]) => sum + requests * 10 + failures, 0)).toBe(22);
  });

  it('counts failures from every process together, in the same buckets as the in-memory store', async () => {
    const [a, b] = await twoProcesses();
    const reference = new InMemoryHealthStore();
    const at = 1_699_999_998_000; // a bucket edge for a 60 s window (6 s tenths)
    const outcomes = [
      { failed: true, at, windowMs: 60_000 },
      { failed: true, at: at + 1, windowMs: 60_000 },
      { failed: false, at: at + 6_500, windowMs: 60_000 },
      { failed: true, at: at + 59_000, windowMs: 60_000 },
      // Drops the first bucket: it ended 6 s after `at`, which is now more than a window ago.
      { failed: false, at: at + 66_001, windowMs: 60_000 },
    ];
    const shared = [];
    for (const [i, outcome] of outcomes.entries()) {
      shared.push(await (i % 2 === 0 ? a : b).record('m', outcome));
      await reference.record('m', outcome);
    }
    expect(shared.map((record) => record.consecutiveFailures)).toEqual([1, 2, 0, 1, 0]);
    expect(shared[1]).toEqual({
      state: 'closed',
      consecutiveFailures: 2,
      until: 0,
      lastFailureAt: at + 1,
      recent: [[at, 2, 2]],
    });
    expect(shared[4]).toEqual(await reference.get('m'));
    expect(shared[4]?.recent).toEqual([
      [at + 6_000, 1, 0],
      [at + 54_000, 1, 1],
      [at + 66_000, 1, 0],
    ]);
  });

  it('lets exactly one process take the half-open probe', async () => {
    const [a, b] = await twoProcesses();
    const openUntil = Date.now() + 10_000;
    expect(await a.transition('m', { state: 'closed', until: 0 }, { state: 'open', until: openUntil })).toBe(
      true,
    );
    await until(async () => (await b.get('m'))?.state === 'open', 1000);
    const late = () => openUntil + 1;
    const admissions = await Promise.all([
      new CircuitBreaker({ store: a, clock: late }).admit('m'),
      new CircuitBreaker({ store: b, clock: late }).admit('m'),
    ]);
    expect(admissions.sort()).toEqual(['probe', 'skip']);
  });

  it('keeps serving from local state while Redis is down and converges when it returns', async () => {
    const [a, b] = await twoProcesses();
    const breakerA = new CircuitBreaker({ store: a, failureThreshold: 1, cooldownMs: 60_000 });
    await redis.stop();
    const started = performance.now();
    await breakerA.onFailure('anthropic:claude', 'overloaded');
    expect(await breakerA.admit('anthropic:claude')).toBe('skip');
    expect(performance.now() - started).toBeLessThan(300); // never waits on a dead Redis
    expect((await b.get('anthropic:claude'))?.state).toBeUndefined();
    await redis.resume();
    const convergedAfter = await until(async () => (await b.get('anthropic:claude'))?.state === 'open', 5000);
    console.info(`convergence after Redis came back: ${convergedAfter.toFixed(0)} ms`);
    // Redis itself holds the state again, so processes that start later learn it too.
    const [c] = await twoProcesses(`t${prefix}:`);
    expect((await c.get('anthropic:claude'))?.state).toBe('open');
  });
});
