import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import type { RequestFinished } from '../../../src/gateway/events.ts';
import { type Gateway, type GatewayConfigInput, startGateway } from '../../../src/gateway/index.ts';
import { createRedisSharedState } from '../../../src/gateway/state/redis-shared-state.ts';
import { TestRedisServer } from './redis-server.ts';

describe('two gateway processes sharing a breaker through Redis', () => {
  let redis: TestRedisServer;
  let openai: ChaosServer;
  let anthropic: ChaosServer;
  const gateways: Gateway[] = [];

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    openai = await startChaosServer({
      protocol: 'openai',
      scenario: { models: { down: { fault: 'status:503' } } },
    });
    anthropic = await startChaosServer({ protocol: 'anthropic' });
    const config: GatewayConfigInput = {
      providers: {
        a: { type: 'openai', baseUrl: openai.url },
        b: { type: 'anthropic', baseUrl: anthropic.url },
      },
      routes: {
        main: {
          models: ['a:down', 'b:claude-sonnet-4-5'],
          retries: 0,
          breaker: { failureThreshold: 2, cooldownMs: 60_000 },
        },
      },
      redis: redis.url,
    };
    for (let i = 0; i < 2; i++) {
      const sharedState = (url: string) =>
        createRedisSharedState(url, { keyPrefix: 'two-gateways:', log: () => {} });
      gateways.push(await startGateway({ config, port: 0, env: {}, log: () => {}, sharedState }));
    }
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await Promise.all([openai?.close(), anthropic?.close()]);
    await redis?.stop();
  });

  async function chat(gateway: Gateway): Promise<RequestFinished> {
    const finished = new Promise<RequestFinished>((resolve) =>
      gateway.events.once('request-finished', resolve),
    );
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'main', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    await response.json();
    return finished;
  }

  it('a breaker opened by one gateway makes the other skip the model within 1 s', async () => {
    const [first, second] = gateways as [Gateway, Gateway];
    for (let i = 0; i < 2; i++) {
      const event = await chat(first);
      expect(event.attempts.map((a) => a.outcome)).toEqual(['error', 'ok']);
    }
    const openedAt = performance.now();
    let event = await chat(second);
    while (event.attempts[0]?.outcome !== 'skipped' && performance.now() - openedAt < 1000)
      event = await chat(second);
    console.info(
      `second gateway skipped the model ${(performance.now() - openedAt).toFixed(1)} ms after the first opened its breaker`,
    );
    expect(event.attempts.map((a) => a.outcome)).toEqual(['skipped', 'ok']);
    expect(event.servedModel).toBe('b:claude-sonnet-4-5');
  });
});

describe('createRedisSharedState', () => {
  it('starts and serves while Redis is down, logging once, without the URL password', async () => {
    const redis = await TestRedisServer.start();
    await redis.stop();
    const lines: string[] = [];
    const started = performance.now();
    const shared = await createRedisSharedState(`redis://:hunter2@127.0.0.1:${redis.port}`, {
      log: (line) => lines.push(line),
    });
    try {
      expect(await shared.rateLimitStore.hit({ key: 'rpm:k', windowMs: 60_000, cost: 1, limit: 1 })).toEqual({
        allowed: true,
        remaining: 0,
        retryAfterMs: 0,
      });
      expect(
        (await shared.rateLimitStore.hit({ key: 'rpm:k', windowMs: 60_000, cost: 1, limit: 1 })).allowed,
      ).toBe(false);
      const record = await shared.healthStore.record('m', { failed: true, at: 1000, windowMs: 60_000 });
      expect(record.consecutiveFailures).toBe(1);
      expect(performance.now() - started).toBeLessThan(500);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(lines.length).toBe(1);
      expect(lines[0]).toMatch(/^redis unavailable, serving on local state: /);
      expect(lines.join('\n')).not.toContain('hunter2');
    } finally {
      await shared.close();
    }
  });
});
