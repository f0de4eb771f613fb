import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { chaosVector } from '../../../src/chaos/protocols/openai-embeddings.ts';
import type { RequestFinished } from '../../../src/gateway/events.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';

let primary: ChaosServer;
let backup: ChaosServer;
let gateway: Gateway;
let client: OpenAI;

beforeAll(async () => {
  primary = await startChaosServer({
    protocol: 'openai',
    scenario: {
      models: {
        'embed-down': { fault: 'status:503' },
        'embed-limited': { fault: 'status:429;retry-after=1' },
        'embed-bad': { fault: 'status:400' },
      },
    },
  });
  backup = await startChaosServer({ protocol: 'openai' });
  const route = (models: string[]) => ({ models, breaker: false as const });
  gateway = await startGateway({
    config: {
      providers: {
        a: { type: 'openai', baseUrl: primary.url },
        b: { type: 'openai', baseUrl: backup.url },
        c: { type: 'anthropic', baseUrl: 'http://127.0.0.1:9' },
      },
      routes: {
        embed: route(['a:text-embedding-3-small', 'b:text-embedding-3-small']),
        'embed-fallback': route(['a:embed-down', 'b:text-embedding-3-small']),
        'embed-limited': route(['a:embed-limited', 'b:text-embedding-3-small']),
        'embed-failing': route(['a:embed-down', 'a:embed-limited']),
        'embed-rejected': route(['a:embed-bad', 'b:text-embedding-3-small']),
        'embed-anthropic': route(['c:claude-embedder']),
      },
    },
    port: 0,
    env: { OPENAI_API_KEY: 'upstream-key', ANTHROPIC_API_KEY: 'upstream-key' },
    log: () => {},
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([primary.close(), backup.close()]);
});

/** What the chaos upstream answers for `text`, as float32s read back as numbers. */
function expected(text: string, dimensions = 8): number[] {
  return Array.from(chaosVector(text, dimensions));
}

describe('POST /v1/embeddings with the official openai client', () => {
  it('embeds one string (the SDK asks for base64 and decodes it)', async () => {
    const { data, model, usage } = await client.embeddings.create({ model: 'embed', input: 'hello world' });
    expect(model).toBe('a:text-embedding-3-small');
    expect(data).toHaveLength(1);
    expect(data[0]?.embedding).toEqual(expected('hello world'));
    expect(usage).toMatchObject({ prompt_tokens: 2, total_tokens: 2 });
  });

  it('embeds many inputs and token arrays, as floats or base64, at the asked dimensions', async () => {
    const floats = await client.embeddings.create({
      model: 'embed',
      input: ['first', 'second text'],
      encoding_format: 'float',
      dimensions: 4,
    });
    expect(floats.data.map((item) => item.index)).toEqual([0, 1]);
    // Written with the 9 digits that give each float32 back exactly.
    expect(floats.data[1]?.embedding.map(Math.fround)).toEqual(expected('second text', 4));
    const raw = await fetch(`${gateway.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'embed', input: [[1, 2, 3], [4]], encoding_format: 'base64' }),
    });
    const body = (await raw.json()) as {
      data: Array<{ embedding: string }>;
      usage: { prompt_tokens: number };
    };
    const bytes = Buffer.from(body.data[0]!.embedding, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4))).toEqual(
      expected('1,2,3'),
    );
    expect(body.usage.prompt_tokens).toBe(4);
  });

  it('falls back to the next embedding model on a 503 or a 429, and says so in the headers', async () => {
    for (const route of ['embed-fallback', 'embed-limited']) {
      const { data, response } = await client.embeddings
        .create({ model: route, input: 'hello world' })
        .withResponse();
      expect(data.model, route).toBe('b:text-embedding-3-small');
      expect(data.data[0]?.embedding, route).toEqual(expected('hello world'));
      expect(response.headers.get('x-understudy-fallbacks'), route).toBe('1');
    }
  });

  it('reports each embeddings request as request-finished, as chat requests are', async () => {
    const seen: RequestFinished[] = [];
    const listener = (record: RequestFinished) => seen.push(record);
    gateway.events.on('request-finished', listener);
    try {
      await client.embeddings.create({ model: 'embed-fallback', input: 'hello world' });
      await client.embeddings.create({ model: 'embed-failing', input: 'x' }).catch(() => {});
    } finally {
      gateway.events.off('request-finished', listener);
    }
    expect(seen.map((r) => [r.route, r.api, r.status, r.servedModel, r.attempts.length])).toEqual([
      ['embed-fallback', 'openai', 200, 'b:text-embedding-3-small', 2],
      ['embed-failing', 'openai', 503, undefined, 0],
    ]);
    expect(seen[0]?.usage?.inputTokens).toBe(2);
  });

  it('takes OpenRouter-style models: [...] after model', async () => {
    const response = await fetch(`${gateway.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'a:embed-down', models: ['b:text-embedding-3-small'], input: 'x' }),
    });
    expect(((await response.json()) as { model: string }).model).toBe('b:text-embedding-3-small');
  });

  it('answers 503 with every attempt when every model fails, and a 400 is not fallen back from', async () => {
    const failed = (await client.embeddings
      .create({ model: 'embed-failing', input: 'x' })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(failed.status).toBe(503);
    expect(failed.error).toMatchObject({
      attempts: [
        { model: 'a:embed-down', kind: 'overloaded', status: 503 },
        { model: 'a:embed-limited', kind: 'rate_limit', status: 429 },
      ],
    });
    const rejected = (await client.embeddings
      .create({ model: 'embed-rejected', input: 'x' })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(rejected.status).toBe(400);
  });

  it('refuses bad input and a provider without an embeddings endpoint, naming the field', async () => {
    const empty = (await client.embeddings
      .create({ model: 'embed', input: [] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(empty.status).toBe(400);
    expect(empty.error).toMatchObject({ param: 'input' });
    const anthropic = (await client.embeddings
      .create({ model: 'embed-anthropic', input: 'x' })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(anthropic.status).toBe(400);
    expect(anthropic.message).toContain('c:claude-embedder');
  });
});
