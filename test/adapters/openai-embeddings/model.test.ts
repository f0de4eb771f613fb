import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIEmbeddingModel } from '../../../src/adapters/openai-embeddings/model.ts';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { chaosVector } from '../../../src/chaos/protocols/openai-embeddings.ts';
import { ModelHTTPError, UnexpectedModelBehavior } from '../../../src/core/errors/index.ts';
import { createProvider } from '../../../src/registry/index.ts';

let chaos: ChaosServer;

beforeAll(async () => {
  chaos = await startChaosServer({
    protocol: 'openai',
    scenario: { models: { down: { fault: 'status:503' } } },
  });
});
afterAll(() => chaos.close());

function modelAt(baseUrl: string, name = 'text-embedding-3-small'): OpenAIEmbeddingModel {
  return new OpenAIEmbeddingModel(name, { provider: createProvider('openai', { baseUrl, apiKey: 'k' }) });
}

/** A host that answers with a fixed body, keeping the request body it got. */
async function fixedHost(
  answer: string,
): Promise<{ url: string; bodies: unknown[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk;
    });
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    bodies,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

describe('OpenAIEmbeddingModel', () => {
  it('embeds strings and token arrays, reading the base64 answer into Float32Arrays', async () => {
    const result = await modelAt(chaos.url).embed(['hello world', [1, 2, 3]], { dimensions: 5 });
    expect(result.embeddings).toEqual([chaosVector('hello world', 5), chaosVector('1,2,3', 5)]);
    expect(result.usage.inputTokens).toBe(5);
    expect(result).toMatchObject({ modelName: 'text-embedding-3-small', providerName: 'openai' });
  });

  it('asks for base64 and reads a host that answers numbers anyway, in index order', async () => {
    const host = await fixedHost(
      JSON.stringify({
        data: [
          { index: 1, embedding: [0.5, 0.25] },
          { index: 0, embedding: [1, 0] },
        ],
        usage: { prompt_tokens: 3 },
      }),
    );
    try {
      const result = await modelAt(host.url).embed(['a', 'b']);
      expect(result.embeddings).toEqual([new Float32Array([1, 0]), new Float32Array([0.5, 0.25])]);
      expect(host.bodies[0]).toEqual({
        model: 'text-embedding-3-small',
        input: ['a', 'b'],
        encoding_format: 'base64',
      });
    } finally {
      await host.close();
    }
  });

  it('fails with the HTTP error of the status, and on an answer of the wrong length', async () => {
    const down = await modelAt(chaos.url, 'down')
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(down).toBeInstanceOf(ModelHTTPError);
    expect((down as ModelHTTPError).kind).toBe('overloaded');
    const host = await fixedHost(JSON.stringify({ data: [] }));
    try {
      const short = await modelAt(host.url)
        .embed(['x'])
        .catch((e: unknown) => e);
      expect(short).toBeInstanceOf(UnexpectedModelBehavior);
      expect((short as Error).message).toContain('expected 1 embeddings, got 0');
    } finally {
      await host.close();
    }
  });
});
