/**
 * `gateway/<prefix>:<model>` against a real Understudy gateway, with GATEWAY_BASE_URL in the form the
 * gateway prints for itself (`http://127.0.0.1:PORT`, what `new Anthropic({ baseURL })` takes) and in
 * the OpenAI-client form with `/v1`.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';
import { type ModelMessage, responseText, userPrompt } from '../../src/core/messages.ts';
import { type Gateway, startGateway } from '../../src/gateway/index.ts';
import { inferModel } from '../../src/registry/index.ts';

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello')] }];
const CLIENT_KEY = 'gateway-client-key';

let openai: ChaosServer;
let anthropic: ChaosServer;
let gateway: Gateway;
beforeAll(async () => {
  [openai, anthropic] = await Promise.all([
    startChaosServer({ protocol: 'openai' }),
    startChaosServer({ protocol: 'anthropic' }),
  ]);
  gateway = await startGateway({
    config: {
      providers: {
        openai: { baseUrl: openai.url },
        anthropic: { baseUrl: anthropic.url },
        'chaos-claude': { type: 'anthropic', baseUrl: anthropic.url },
      },
      clients: [{ name: 'test', key: { env: 'CLIENT_KEY' } }],
    },
    port: 0,
    env: { CLIENT_KEY },
    log: () => {},
  });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openai.close(), anthropic.close()]);
});

describe('gateway/<prefix> reaches an Understudy gateway', () => {
  test.each([
    ['the gateway’s own address', () => gateway.url],
    ['the OpenAI-client form with /v1', () => `${gateway.url}/v1`],
  ])('GATEWAY_BASE_URL as %s', async (_form, base) => {
    const env = { GATEWAY_BASE_URL: base(), GATEWAY_API_KEY: CLIENT_KEY };
    for (const id of [
      'gateway/openai:gpt-4o',
      'gateway/anthropic:claude-sonnet-4-5',
      'gateway/chaos-claude:c',
    ]) {
      const response = await inferModel(id, { env }).request(hello);
      expect(responseText(response)).toBe('echo: hello');
    }
  });

  test('the same GATEWAY_BASE_URL is what the official Anthropic client takes', async () => {
    const client = new Anthropic({ baseURL: gateway.url, apiKey: CLIENT_KEY, maxRetries: 0 });
    const message = await client.messages.create({
      model: 'anthropic:claude-sonnet-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'echo: hello' });
  });

  test('a wrong key is the gateway’s 401, and a missing key is named before any request', async () => {
    const env = { GATEWAY_BASE_URL: gateway.url, GATEWAY_API_KEY: 'wrong' };
    await expect(inferModel('gateway/openai:gpt-4o', { env }).request(hello)).rejects.toMatchObject({
      statusCode: 401,
    });
    await expect(
      inferModel('gateway/openai:gpt-4o', { env: { GATEWAY_BASE_URL: gateway.url } }).request(hello),
    ).rejects.toThrow(/GATEWAY_API_KEY/);
  });
});
