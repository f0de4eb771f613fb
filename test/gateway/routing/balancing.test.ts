/**
 * Balanced groups and key pools through the gateway, called with the official openai client as a user
 * would, against chaos upstreams (one per deployment): the spread of a weighted group over many requests,
 * the latency strategy moving traffic off a deployment that slows down, a rate-limited key rotated before
 * any fallback, a refused key taken out and reported, an open breaker skipped — and what the headers,
 * metrics and request-finished events say about each attempt.
 */
import { EventEmitter } from 'node:events';
import OpenAI from 'openai';
import { afterEach, describe, expect, test } from 'vitest';
import { type ChaosServer, type ScenarioInput, startChaosServer } from '../../../src/chaos/index.ts';
import {
  type Gateway,
  type GatewayConfigInput,
  type GatewayEventMap,
  type RequestFinished,
  startGateway,
} from '../../../src/gateway/index.ts';
import { createGatewayMetrics } from '../../../src/gateway/metrics/gateway-metrics.ts';
import { keyFingerprint } from '../../../src/transport/key-fingerprint.ts';

const messages = [{ role: 'user' as const, content: 'hello' }];
let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

async function upstream(scenario: ScenarioInput = {}): Promise<ChaosServer> {
  const server = await startChaosServer({ protocol: 'openai', scenario });
  closers.push(() => server.close());
  return server;
}

async function gatewayWith(
  config: GatewayConfigInput,
  env: Record<string, string> = {},
): Promise<{ gateway: Gateway; client: OpenAI; finished: RequestFinished[]; logs: string[] }> {
  const logs: string[] = [];
  const gateway = await startGateway({ config, port: 0, env, log: (line) => logs.push(line) });
  closers.push(() => gateway.close());
  const finished: RequestFinished[] = [];
  gateway.events.on('request-finished', (event) => finished.push(event));
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  return { gateway, client, finished, logs };
}

describe('a weighted group', () => {
  test('spreads 600 requests 3 to 1 within ±5%, and each answer names its deployment', async () => {
    const east = await upstream();
    const west = await upstream();
    const { client } = await gatewayWith({
      providers: { east: { type: 'openai', baseUrl: east.url }, west: { type: 'openai', baseUrl: west.url } },
      groups: {
        'gpt-4o': {
          strategy: 'weighted',
          seed: 42,
          deployments: [
            { model: 'east:gpt-4o', weight: 3 },
            { model: 'west:gpt-4o', weight: 1, name: 'west-account' },
          ],
        },
      },
      routes: { smart: { models: ['gpt-4o'] } },
    });
    const served: Record<string, number> = {};
    for (let i = 0; i < 600; i++) {
      const { response } = await client.chat.completions.create({ model: 'smart', messages }).withResponse();
      const deployment = response.headers.get('x-understudy-deployment')!;
      served[deployment] = (served[deployment] ?? 0) + 1;
    }
    expect(Object.keys(served).sort()).toEqual(['east:gpt-4o', 'west-account']);
    expect(served['east:gpt-4o']! / 600).toBeGreaterThan(0.7);
    expect(served['east:gpt-4o']! / 600).toBeLessThan(0.8);
    expect(east.stats.requests + west.stats.requests).toBe(600);
  });

  test('a request may name a group directly; a deployment that fails hands over within the group first', async () => {
    const broken = await upstream({ fault: 'status:503' });
    const healthy = await upstream();
    const backup = await upstream();
    const { client, finished } = await gatewayWith({
      providers: {
        broken: { type: 'openai', baseUrl: broken.url },
        healthy: { type: 'openai', baseUrl: healthy.url },
        backup: { type: 'openai', baseUrl: backup.url },
      },
      groups: {
        pair: {
          deployments: [
            { model: 'broken:gpt-4o', weight: 1 },
            { model: 'healthy:gpt-4o', weight: 0 },
          ],
        },
      },
      routes: { smart: { models: ['pair', 'backup:gpt-4o'], breaker: false } },
    });
    const { data, response } = await client.chat.completions
      .create({ model: 'smart', messages })
      .withResponse();
    expect(data.model).toBe('healthy:gpt-4o');
    expect(response.headers.get('x-understudy-trace')).toBe(
      'broken:gpt-4o=overloaded/503, healthy:gpt-4o=ok',
    );
    expect(backup.stats.requests).toBe(0);
    expect(finished.at(-1)!.attempts.map((a) => [a.group, a.deployment, a.outcome])).toEqual([
      ['pair', 'broken:gpt-4o', 'error'],
      ['pair', 'healthy:gpt-4o', 'ok'],
    ]);
    const direct = await client.chat.completions.create({ model: 'pair', messages }).withResponse();
    expect(direct.data.model).toBe('healthy:gpt-4o');
    const listed = await client.models.list();
    expect(listed.data.map((model) => model.id)).toEqual([
      'smart',
      'pair',
      'broken:gpt-4o',
      'healthy:gpt-4o',
      'backup:gpt-4o',
    ]);
  });

  test('a deployment whose breaker is open is skipped, and the header names its breaker', async () => {
    const down = await upstream({ fault: 'status:500' });
    const up = await upstream();
    const { client } = await gatewayWith({
      providers: { down: { type: 'openai', baseUrl: down.url }, up: { type: 'openai', baseUrl: up.url } },
      groups: {
        pair: {
          strategy: 'cost',
          deployments: [
            { model: 'down:gpt-4o', price: 1 },
            { model: 'up:gpt-4o', price: 9 },
          ],
        },
      },
      routes: { smart: { models: ['pair'], breaker: { failureThreshold: 1, cooldownMs: 60_000 } } },
    });
    await client.chat.completions.create({ model: 'smart', messages });
    for (let i = 0; i < 5; i++) {
      const { data, response } = await client.chat.completions
        .create({ model: 'smart', messages })
        .withResponse();
      expect(data.model).toBe('up:gpt-4o');
      expect(response.headers.get('x-understudy-breakers-open')).toBe(
        `openai:gpt-4o@${down.url}`.replace('openai:', 'down:'),
      );
    }
    expect(down.stats.requests).toBe(1);
  });
});

describe('a latency group', () => {
  test('moves traffic off a deployment that slows down within seconds', async () => {
    // From second 2 on, `slowing` takes 400 ms to its first token; `steady` keeps answering at once.
    const startedAt = Date.now();
    const slowing = await upstream({ schedule: [{ from: 2, to: 600, fault: 'slow-first-token:400' }] });
    const steady = await upstream();
    const { client, finished } = await gatewayWith({
      providers: {
        slowing: { type: 'openai', baseUrl: slowing.url },
        steady: { type: 'openai', baseUrl: steady.url },
      },
      groups: {
        fast: { strategy: 'latency', seed: 7, deployments: ['slowing:gpt-4o', 'steady:gpt-4o'] },
      },
      routes: { smart: { models: ['fast'] } },
    });
    const servedAt: Array<{ at: number; by: string }> = [];
    // Four clients stream one request after another for 4.5 s.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() - startedAt < 4500) {
          const stream = await client.chat.completions.create({ model: 'smart', messages, stream: true });
          for await (const _ of stream) {
            // drain
          }
          servedAt.push({ at: Date.now() - startedAt, by: finished.at(-1)!.servedModel! });
        }
      }),
    );
    const before = servedAt.filter((entry) => entry.at < 1900);
    const last = servedAt.filter((entry) => entry.at >= 3500);
    // Before the slowdown both serve; in the last second the slowed one serves at most one request in ten.
    expect(before.some((entry) => entry.by === 'slowing:gpt-4o')).toBe(true);
    expect(before.some((entry) => entry.by === 'steady:gpt-4o')).toBe(true);
    expect(last.length).toBeGreaterThan(20);
    expect(last.filter((entry) => entry.by === 'slowing:gpt-4o').length / last.length).toBeLessThan(0.1);
  });
});

describe('a key pool', () => {
  const env = { EAST_KEY_1: 'sk-east-one', EAST_KEY_2: 'sk-east-two', BACKUP_KEY: 'sk-backup' };
  /** The provider `east`: one deployment reached with two pooled keys. */
  const eastPool = (east: ChaosServer) => ({
    type: 'openai',
    baseUrl: east.url,
    apiKeys: [{ env: 'EAST_KEY_1' }, { env: 'EAST_KEY_2' }],
  });
  /** One route to that deployment. */
  const eastPoolOnly = (east: ChaosServer): GatewayConfigInput => ({
    providers: { east: eastPool(east) },
    routes: { smart: { models: ['east:gpt-4o'] } },
  });

  test('a 429 on one key moves to the next key before falling back, honouring its Retry-After', async () => {
    const east = await upstream({ keys: { 'sk-east-one': { fault: 'status:429;retry-after=30' } } });
    const backup = await upstream();
    const events = new EventEmitter<GatewayEventMap>();
    const metrics = createGatewayMetrics(events, { processMetrics: false });
    const { client, finished } = await gatewayWith(
      {
        providers: {
          east: eastPool(east),
          backup: { type: 'openai', baseUrl: backup.url, apiKey: { env: 'BACKUP_KEY' } },
        },
        routes: { smart: { models: ['east:gpt-4o', 'backup:gpt-4o'] } },
      },
      env,
    );
    const first = await client.chat.completions.create({ model: 'smart', messages }).withResponse();
    expect(first.data.model).toBe('east:gpt-4o');
    expect(first.response.headers.get('x-understudy-key')).toBe(keyFingerprint('sk-east-two'));
    // Another key of the same deployment is not another model.
    expect(first.response.headers.get('x-understudy-fallbacks')).toBe('0');
    expect(first.response.headers.get('x-understudy-attempts')).toBe('2');
    expect(first.response.headers.get('x-understudy-trace')).toBe(
      `east:gpt-4o#${keyFingerprint('sk-east-one')}=rate_limit/429, east:gpt-4o#${keyFingerprint('sk-east-two')}=ok`,
    );
    for (let i = 0; i < 4; i++) {
      const { data } = await client.chat.completions.create({ model: 'smart', messages }).withResponse();
      expect(data.model).toBe('east:gpt-4o');
    }
    // Key one rested for its 30 s Retry-After: called once, never again; no request fell back.
    expect(east.stats.keys).toEqual({
      [keyFingerprint('sk-east-one')]: 1,
      [keyFingerprint('sk-east-two')]: 5,
    });
    expect(backup.stats.requests).toBe(0);
    for (const event of finished) events.emit('request-finished', event);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      `understudy_deployment_attempts_total{group="none",deployment="east:gpt-4o",key="${keyFingerprint('sk-east-two')}",outcome="ok"} 5`,
    );
    expect(JSON.stringify(finished)).not.toContain('sk-east');
    metrics.close();
  });

  test('when every key rests for its Retry-After, the client gets a 429 with the rest left, and no key is called', async () => {
    const east = await upstream({
      keys: {
        'sk-east-one': { fault: 'status:429;retry-after=30' },
        'sk-east-two': { fault: 'status:429;retry-after=40' },
      },
    });
    const { client } = await gatewayWith(eastPoolOnly(east), env);
    await expect(client.chat.completions.create({ model: 'smart', messages })).rejects.toMatchObject({
      status: 429,
    });
    const error = await client.chat.completions.create({ model: 'smart', messages }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429 });
    const retryAfter = Number((error as { headers: Headers }).headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(25);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect((error as Error).message).toContain('Every key of east:gpt-4o is resting');
    expect(east.stats.requests).toBe(2);
  });

  test('a pooled provider as a group deployment: its keys rotate inside the group, named by the group', async () => {
    const east = await upstream({ keys: { 'sk-east-one': { fault: 'status:429;retry-after=30' } } });
    const west = await upstream();
    const { client, finished } = await gatewayWith(
      {
        providers: {
          east: eastPool(east),
          west: { type: 'openai', baseUrl: west.url },
        },
        groups: {
          'gpt-4o': {
            deployments: [
              { model: 'east:gpt-4o', weight: 1 },
              { model: 'west:gpt-4o', weight: 0 },
            ],
          },
        },
      },
      env,
    );
    const { data } = await client.chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
    expect(data.model).toBe('east:gpt-4o');
    expect(
      finished.at(-1)!.attempts.map((a) => [a.group, a.deployment, a.keyFingerprint, a.outcome]),
    ).toEqual([
      ['gpt-4o', 'east:gpt-4o', keyFingerprint('sk-east-one'), 'error'],
      ['gpt-4o', 'east:gpt-4o', keyFingerprint('sk-east-two'), 'ok'],
    ]);
    expect(west.stats.requests).toBe(0);
  });

  test('a key refused with 401 is taken out, logged and reported by fingerprint only', async () => {
    const east = await upstream({ keys: { 'sk-east-one': { fault: 'status:401' } } });
    const { gateway, client, logs } = await gatewayWith(eastPoolOnly(east), env);
    const removed: unknown[] = [];
    gateway.events.on('key-removed', (event) => removed.push(event));
    const metrics = createGatewayMetrics(gateway.events, { processMetrics: false });
    for (let i = 0; i < 5; i++) {
      const { data } = await client.chat.completions.create({ model: 'smart', messages }).withResponse();
      expect(data.model).toBe('east:gpt-4o');
    }
    expect(removed).toEqual([
      { deployment: 'east:gpt-4o', keyFingerprint: keyFingerprint('sk-east-one'), statusCode: 401 },
    ]);
    expect(east.stats.keys[keyFingerprint('sk-east-one')]).toBe(1);
    expect(logs.join('\n')).toContain(keyFingerprint('sk-east-one'));
    expect(logs.join('\n')).not.toContain('sk-east-one');
    expect(await metrics.registry.metrics()).toContain(
      `understudy_keys_removed_total{deployment="east:gpt-4o",key="${keyFingerprint('sk-east-one')}"} 1`,
    );
    metrics.close();
  });

  test('/health lists a breaker per pooled key', async () => {
    const east = await upstream();
    const { gateway } = await gatewayWith(eastPoolOnly(east), env);
    const health = (await (await fetch(`${gateway.url}/health`)).json()) as {
      breakers: Array<{ key: string }>;
    };
    expect(health.breakers.map((breaker) => breaker.key)).toEqual([
      `east:gpt-4o@${east.url}#${keyFingerprint('sk-east-one')}`,
      `east:gpt-4o@${east.url}#${keyFingerprint('sk-east-two')}`,
    ]);
  });
});

describe('count_tokens', () => {
  test('a route whose first step is a group or a key pool counts exactly with the deployment a call would use', async () => {
    const anthropic = await startChaosServer({ protocol: 'anthropic' });
    closers.push(() => anthropic.close());
    const { gateway } = await gatewayWith(
      {
        providers: {
          claude: { type: 'anthropic', baseUrl: anthropic.url, apiKeys: [{ env: 'K1' }, { env: 'K2' }] },
        },
        groups: { sonnet: { deployments: ['claude:claude-sonnet-4-5'] } },
        routes: { pooled: { models: ['claude:claude-sonnet-4-5'] }, grouped: { models: ['sonnet'] } },
      },
      { K1: 'sk-ant-one', K2: 'sk-ant-two' },
    );
    for (const model of ['pooled', 'grouped']) {
      const answer = await fetch(`${gateway.url}/v1/messages/count_tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello there' }] }),
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-understudy-token-count')).toBe('exact');
    }
  });
});

describe('config', () => {
  test('refuses a group named like a route, a group of groups, apiKey with apiKeys, and an unset pooled key', async () => {
    const start = (config: GatewayConfigInput, env: Record<string, string> = {}) =>
      startGateway({ config, port: 0, env, log: () => {} }).then((gateway) => gateway.close());
    await expect(
      start({
        groups: { smart: { deployments: ['openai:gpt-4o'] } },
        routes: { smart: { models: ['openai:gpt-4o'] } },
      }),
    ).rejects.toThrow(/is also a route's name/);
    await expect(
      start({ groups: { a: { deployments: ['openai:gpt-4o'] }, b: { deployments: ['a'] } } }),
    ).rejects.toThrow(/groups do not nest in the config/);
    await expect(
      start({ providers: { east: { type: 'openai', apiKey: { env: 'K' }, apiKeys: [{ env: 'K' }] } } }),
    ).rejects.toThrow(/not both/);
    await expect(
      start({ providers: { east: { type: 'openai', apiKeys: [{ env: 'MISSING_KEY' }] } } }),
    ).rejects.toThrow(/MISSING_KEY, which is not set/);
    await expect(
      start({ groups: { g: { strategy: 'fastest' as never, deployments: ['openai:gpt-4o'] } } }),
    ).rejects.toThrow(/strategy/);
  });
});
