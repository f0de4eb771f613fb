/**
 * The ledger beside balancing: a request served by a group's deployment through a pooled key is
 * recorded with that deployment and the key's fingerprint (never the key), in /v1/generation and on the
 * request's page.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';

describe('the ledger of a balanced, key-pooled request', () => {
  let east: ChaosServer;
  let gateway: Gateway;

  beforeAll(async () => {
    // The first key is rate-limited: the pool moves to the second before any fallback.
    east = await startChaosServer({
      protocol: 'openai',
      scenario: { keys: { 'sk-east-one': { fault: 'status:429;retry-after=30' } } },
    });
    gateway = await startGateway({
      config: {
        providers: {
          east: { type: 'openai', baseUrl: east.url, apiKeys: [{ env: 'EAST_1' }, { env: 'EAST_2' }] },
        },
        groups: { gpt: { deployments: ['east:gpt-4o'] } },
        routes: { smart: { models: ['gpt'], retries: 0 } },
        ledger: { flushIntervalMs: 50 },
      },
      port: 0,
      env: { EAST_1: 'sk-east-one', EAST_2: 'sk-east-two' },
      log: () => {},
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await east?.close();
  });

  it('records the deployment and key fingerprint of each attempt, and never the key', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const { data: completion, response } = await client.chat.completions
      .create({ model: 'smart', messages: [{ role: 'user', content: 'hello there' }] })
      .withResponse();
    const servingKey = response.headers.get('x-understudy-key');
    expect(servingKey).toMatch(/^key-[0-9a-f]{14}$/);

    const generation = await fetch(`${gateway.url}/v1/generation?id=${completion.id}`);
    const text = await generation.text();
    expect(text).not.toContain('sk-east');
    const { data } = JSON.parse(text) as {
      data: { attempts: { outcome: string; group: string; deployment: string; key_fingerprint: string }[] };
    };
    expect(data.attempts).toHaveLength(2);
    expect(data.attempts[0]).toMatchObject({ outcome: 'error', group: 'gpt', deployment: 'east:gpt-4o' });
    expect(data.attempts[1]).toMatchObject({
      outcome: 'ok',
      group: 'gpt',
      deployment: 'east:gpt-4o',
      key_fingerprint: servingKey,
    });
    expect(data.attempts[0]!.key_fingerprint).not.toBe(servingKey);

    const page = await (await fetch(`${gateway.url}/requests/${completion.id}`)).text();
    expect(page).toContain(servingKey!);
    expect(page).not.toContain('sk-east');
  });
});
