/**
 * /v1/responses answers to the gateway's client keys, route permissions and rate limits as the other chat
 * endpoints do, with its refusals in OpenAI's error shape (what the openai client raises as its own errors).
 */
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';

let upstream: ChaosServer;
let gateway: Gateway;
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');

beforeAll(async () => {
  upstream = await startChaosServer({ protocol: 'openai' });
  gateway = await startGateway({
    config: {
      providers: { chat: { type: 'openai', baseUrl: upstream.url } },
      routes: { open: { models: ['chat:gpt-4o'] }, closed: { models: ['chat:gpt-4o-mini'] } },
      clients: [
        { name: 'team', sha256: sha256('team-key'), routes: ['open'] },
        { name: 'slow', sha256: sha256('slow-key'), limits: { requestsPerMinute: 1 } },
      ],
    },
    port: 0,
    env: {},
    log: () => {},
  });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

const client = (apiKey: string) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });

describe('/v1/responses behind client keys', () => {
  it('serves a known key on its routes, and refuses an unknown key and a route the key may not use', async () => {
    const answer = await client('team-key').responses.create({ model: 'open', input: 'hi' });
    expect(answer.output_text).toBe('echo: hi');
    await expect(client('wrong').responses.create({ model: 'open', input: 'hi' })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    await expect(
      client('team-key').responses.create({ model: 'closed', input: 'hi' }),
    ).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it('counts its requests against the key’s rate limit', async () => {
    await client('slow-key').responses.create({ model: 'open', input: 'hi' });
    await expect(client('slow-key').responses.create({ model: 'open', input: 'hi' })).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
  });
});
