/**
 * Redis going away under load: two gateways sharing breaker state through a real `redis-server` (each
 * with its own RedisHealthStore, as two processes would have). Redis is killed while both serve traffic;
 * one gateway opens a breaker during the outage; Redis comes back. Every request during all of it is
 * answered, and the other gateway learns the open breaker soon after the reconnection — then skips the
 * failing model without sending it a request.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';
import type { HealthStore } from '../../src/fallback/breaker/health-store.ts';
import { type Gateway, type GatewayConfigInput, startGateway } from '../../src/gateway/index.ts';
import { RedisHealthStore } from '../../src/gateway/state/redis-health-store.ts';
import { TestRedisServer } from '../gateway/state/redis-server.ts';

/** A HealthStore that remembers which breaker keys it was asked to record, to find the gateway's key. */
function recordingKeys(store: RedisHealthStore, keys: Set<string>): HealthStore {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'record') {
        return (key: string, outcome: Parameters<HealthStore['record']>[1]) => {
          keys.add(key);
          return target.record(key, outcome);
        };
      }
      return value.bind(target);
    },
  }) as HealthStore;
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}

async function ask(gateway: Gateway, model: string): Promise<{ status: number; served: string | null }> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(5000),
  });
  await response.text();
  return { status: response.status, served: response.headers.get('x-understudy-model') };
}

describe('Redis stopped and restarted under load', () => {
  let redis: TestRedisServer;
  let chaos: ChaosServer;
  let stores: RedisHealthStore[];
  let gateways: Gateway[];
  const keysOfA = new Set<string>();

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    chaos = await startChaosServer({
      protocol: 'openai',
      scenario: { models: { flaky: { fault: 'status:503' } } },
    });
    const config: GatewayConfigInput = {
      providers: { up: { type: 'openai', baseUrl: chaos.url } },
      routes: {
        main: {
          models: ['up:flaky', 'up:backup'],
          retries: 0,
          breaker: { failureThreshold: 1, cooldownMs: 60_000 },
        },
        steady: { models: ['up:backup'], retries: 0 },
      },
    };
    const keyPrefix = `rel${process.pid}:`;
    stores = [0, 1].map(() => new RedisHealthStore({ url: redis.url, keyPrefix, resyncIntervalMs: 0 }));
    await Promise.all(stores.map((store) => until(() => store.resync().then(() => true), 3000)));
    gateways = [
      await startGateway({ config, port: 0, log: () => {}, healthStore: recordingKeys(stores[0]!, keysOfA) }),
      await startGateway({ config, port: 0, log: () => {}, healthStore: stores[1]! }),
    ];
  });
  afterAll(async () => {
    await Promise.all((gateways ?? []).map((gateway) => gateway.close()));
    await Promise.all((stores ?? []).map((store) => store.close()));
    await chaos?.close();
    await redis?.stop();
  });

  test('both gateways keep serving, and the breaker opened during the outage reaches the other within 1 s of Redis returning', async () => {
    const [a, b] = gateways as [Gateway, Gateway];
    const [, storeB] = stores as [RedisHealthStore, RedisHealthStore];
    // Steady load on both gateways for the whole test: two requests in flight at all times.
    const statuses: number[] = [];
    let loading = true;
    const load = [a, b].map(async (gateway) => {
      for (let i = 0; loading && i < 5000; i++) statuses.push((await ask(gateway, 'steady')).status);
    });

    await new Promise((resolve) => setTimeout(resolve, 100));
    await redis.stop();
    // Gateway A meets the failing model while Redis is away: served by the backup, breaker opened locally.
    expect(await ask(a, 'main')).toEqual({ status: 200, served: 'up:backup' });
    const breakerKey = [...keysOfA].find((key) => key.includes('flaky'));
    expect(breakerKey).toBeDefined();
    expect((await stores[0]!.get(breakerKey!))?.state).toBe('open');
    expect((await storeB.get(breakerKey!))?.state).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the outage lasts, load goes on

    await redis.resume();
    const convergedMs = await until(async () => (await storeB.get(breakerKey!))?.state === 'open', 5000);
    console.info(`breaker state reached the other gateway ${convergedMs.toFixed(0)} ms after Redis returned`);
    // The client reconnects with backoff (100, 200, 400 ms ... after the loss): allow that, plus 1 s.
    expect(convergedMs).toBeLessThan(1000 + 800);

    // Gateway B now skips the failing model without calling it.
    const flakyCalls = chaos.stats.models.flaky ?? 0;
    expect(await ask(b, 'main')).toEqual({ status: 200, served: 'up:backup' });
    expect(chaos.stats.models.flaky ?? 0).toBe(flakyCalls);

    loading = false;
    await Promise.all(load);
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });
});
