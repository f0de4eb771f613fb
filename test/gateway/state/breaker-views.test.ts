/**
 * Every view of a breaker names it by the same key: /health, /metrics, the status page's data and the
 * response headers of a request that skipped the model must agree that the breaker is open, for the key
 * the breaker itself is stored under — across two gateways sharing a real Redis, and in one process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, type GatewayConfigInput, startGateway } from '../../../src/gateway/index.ts';
import { createRedisSharedState } from '../../../src/gateway/state/redis-shared-state.ts';
import { TestRedisServer } from './redis-server.ts';

interface HealthBreaker {
  key: string;
  state: string;
  consecutiveFailures: number;
  retryAt?: string;
  models: string[];
  routes: string[];
}

interface HealthBody {
  status: string;
  breakers: HealthBreaker[];
  models: Record<string, { breakerKey: string; breaker: string }>;
}

interface StatusBody {
  breakers: Array<{ key: string; state: string }>;
  models: Array<{ name: string; breakerKey: string; breaker: string }>;
}

let openai: ChaosServer;
let anthropic: ChaosServer;

beforeAll(async () => {
  openai = await startChaosServer({
    protocol: 'openai',
    scenario: { models: { down: { fault: 'status:503' } } },
  });
  anthropic = await startChaosServer({ protocol: 'anthropic' });
});

afterAll(async () => {
  await Promise.all([openai?.close(), anthropic?.close()]);
});

/** Two routes and a direct id name the failing model: all three are one upstream, so one breaker. */
function configOf(routeBreaker: { failureThreshold: number; cooldownMs: number } | undefined) {
  const route = { retries: 0, ...(routeBreaker ? { breaker: routeBreaker } : {}) };
  return {
    providers: {
      a: { type: 'openai', baseUrl: openai.url },
      b: { type: 'anthropic', baseUrl: anthropic.url },
    },
    routes: {
      main: { models: ['a:down', 'b:claude-sonnet-4-5'], ...route },
      spare: { models: ['a:down', 'b:claude-haiku-4-5'], ...route },
    },
  } satisfies GatewayConfigInput;
}

async function chat(gateway: Gateway, model = 'main'): Promise<Headers> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(response.status).toBe(200);
  await response.json();
  return response.headers;
}

async function getJson<T>(gateway: Gateway, path: string): Promise<T> {
  const response = await fetch(`${gateway.url}${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** `understudy_breaker_state` by key, as Prometheus would scrape it. */
async function breakerGauge(gateway: Gateway): Promise<Map<string, number>> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const gauge = new Map<string, number>();
  for (const match of text.matchAll(/^understudy_breaker_state\{key="([^"]*)"\} (\d+)$/gm)) {
    gauge.set(match[1]!, Number(match[2]));
  }
  return gauge;
}

/** Asks until a request skips the failing model (a shared store's push may take a moment). */
async function skippingRequest(gateway: Gateway): Promise<Headers> {
  const started = performance.now();
  for (;;) {
    const headers = await chat(gateway);
    if (headers.get('x-understudy-trace')?.startsWith('a:down=skipped')) return headers;
    if (performance.now() - started > 2000) throw new Error('the gateway never skipped a:down');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Every view of `gateway` says the one breaker of `a:down` is open, under the key it is stored by.
 * `triedHere`: this gateway's own attempts failed on a:down, so its status page has a row for the model.
 */
async function expectEveryViewOpen(gateway: Gateway, triedHere: boolean): Promise<void> {
  // The provider's base URL is the chaos server's, as configured: that is the upstream the key names.
  const key = `a:down@${openai.url}`;

  const headers = await skippingRequest(gateway);
  expect(headers.get('x-understudy-trace')).toBe('a:down=skipped, b:claude-sonnet-4-5=ok');
  expect(headers.get('x-understudy-breakers-open')).toBe(key);

  const health = await getJson<HealthBody>(gateway, '/health');
  const notClosed = health.breakers.filter((breaker) => breaker.state !== 'closed');
  expect(notClosed).toEqual([
    expect.objectContaining({ key, state: 'open', models: ['a:down'], routes: ['main', 'spare'] }),
  ]);
  expect(Date.parse(notClosed[0]!.retryAt!)).toBeGreaterThan(Date.now());
  expect(health.models['a:down']).toMatchObject({ breakerKey: key, breaker: 'open' });
  expect(health.models['b:claude-sonnet-4-5']).toMatchObject({
    // The key names the API root the model calls: the emulator's origin (the SDK's base URL) plus /v1.
    breakerKey: `b:claude-sonnet-4-5@${anthropic.url}/v1`,
    breaker: 'closed',
  });

  const gauge = await breakerGauge(gateway);
  expect(gauge.get(key)).toBe(2);
  expect([...gauge].filter(([, value]) => value !== 0)).toEqual([[key, 2]]);

  const status = await getJson<StatusBody>(gateway, '/status.json');
  const notClosedOnPage = status.breakers.filter((breaker) => breaker.state !== 'closed');
  expect(notClosedOnPage.map(({ key, state }) => [key, state])).toEqual([[key, 'open']]);
  const row = status.models.find((model) => model.name === 'a:down');
  if (triedHere) expect(row).toMatchObject({ breakerKey: key, breaker: 'open' });
  else expect(row).toBeUndefined();
}

describe('one breaker identity across two gateways sharing Redis', () => {
  let redis: TestRedisServer;
  const gateways: Gateway[] = [];

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    const config = { ...configOf({ failureThreshold: 2, cooldownMs: 60_000 }), redis: redis.url };
    const sharedState = (url: string) =>
      createRedisSharedState(url, { keyPrefix: 'breaker-views:', log: () => {} });
    for (let i = 0; i < 2; i++) {
      gateways.push(await startGateway({ config, port: 0, env: {}, log: () => {}, sharedState }));
    }
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await redis?.stop();
  });

  it('health, metrics, status page and headers name the open breaker by one key on both gateways', async () => {
    const [first, second] = gateways as [Gateway, Gateway];
    for (let i = 0; i < 2; i++) {
      expect((await chat(first)).get('x-understudy-trace')).toBe(
        'a:down=overloaded/503, b:claude-sonnet-4-5=ok',
      );
    }
    await expectEveryViewOpen(first, true);
    await expectEveryViewOpen(second, false);
  });
});

describe('one breaker identity in a single gateway', () => {
  it.each([
    ['the gateway-wide breaker', undefined, 5],
    ["a route's own breaker options", { failureThreshold: 2, cooldownMs: 60_000 }, 2],
  ] as const)('health, metrics, status page and headers agree under %s', async (_, breaker, failures) => {
    const gateway = await startGateway({ config: configOf(breaker), port: 0, env: {}, log: () => {} });
    try {
      // Before any failure the breaker is known by its key already, and closed everywhere.
      const before = await getJson<HealthBody>(gateway, '/health');
      expect(before.breakers.map(({ key, state }) => [key, state])).toContainEqual([
        `a:down@${openai.url}`,
        'closed',
      ]);
      // Failures through either route count against the same breaker.
      for (let i = 0; i < failures; i++) {
        const name = i % 2 === 0 ? 'main' : 'spare';
        expect((await chat(gateway, name)).get('x-understudy-trace')).toMatch(/^a:down=overloaded\/503, /);
      }
      await expectEveryViewOpen(gateway, true);
    } finally {
      await gateway.close();
    }
  });
});
