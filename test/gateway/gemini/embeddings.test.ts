import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleEmbeddingModel } from '../../../src/adapters/google-embeddings/model.ts';
import { chaosVector } from '../../../src/chaos/protocols/openai-embeddings.ts';
import { UserError } from '../../../src/core/errors/index.ts';
import { createProvider } from '../../../src/registry/index.ts';
import { type GeminiFixture, startGeminiFixture } from './fixture.ts';

let fixture: GeminiFixture;
let genai: GoogleGenAI;
let openai: OpenAI;

beforeAll(async () => {
  fixture = await startGeminiFixture();
  genai = new GoogleGenAI({ apiKey: 'unused', httpOptions: { baseUrl: fixture.gateway.url } });
  openai = new OpenAI({ baseURL: `${fixture.gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => fixture.close());

const vector = (text: string, dimensions: number) => Array.from(chaosVector(text, dimensions));

describe('embeddings through the Gemini endpoint and across protocols', () => {
  it("serves @google/genai's embedContent (batchEmbedContents) from a Gemini upstream", async () => {
    const response = await genai.models.embedContent({
      model: 'embed',
      contents: ['first', 'second'],
      config: { outputDimensionality: 4, taskType: 'RETRIEVAL_DOCUMENT' },
    });
    expect(response.embeddings?.map((e) => e.values)).toEqual([vector('first', 4), vector('second', 4)]);
    expect(response.sdkHttpResponse?.headers?.['x-understudy-model']).toBe('g:gemini-embedding-001');
  });

  it('falls back from a failing Gemini embedding model to an OpenAI one, for either client', async () => {
    const gemini = await genai.models.embedContent({ model: 'embed-fallback', contents: 'hello world' });
    expect(gemini.embeddings?.[0]?.values).toEqual(vector('hello world', 8));
    expect(gemini.sdkHttpResponse?.headers?.['x-understudy-model']).toBe('o:text-embedding-3-small');
    const { data, response } = await openai.embeddings
      .create({ model: 'embed-fallback', input: 'hello world' })
      .withResponse();
    expect(data.model).toBe('o:text-embedding-3-small');
    expect(response.headers.get('x-understudy-fallbacks')).toBe('1');
  });

  it('serves /v1/embeddings from a Gemini upstream, and :embedContent in its single form', async () => {
    const { data, model } = await openai.embeddings.create({ model: 'embed', input: ['a b'], dimensions: 3 });
    expect(model).toBe('g:gemini-embedding-001');
    expect(data[0]?.embedding).toEqual(vector('a b', 3));
    const single = await fetch(`${fixture.gateway.url}/v1beta/models/embed:embedContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: { parts: [{ text: 'a b' }] }, outputDimensionality: 3 }),
    });
    expect(await single.json()).toEqual({ embedding: { values: vector('a b', 3) } });
  });

  it('refuses what Gemini cannot embed: token ids, and parts that are not text', async () => {
    const model = new GoogleEmbeddingModel('gemini-embedding-001', {
      provider: createProvider('google-gla', { baseUrl: fixture.gemini.url, apiKey: 'k' }),
    });
    await expect(model.embed([[1, 2]])).rejects.toBeInstanceOf(UserError);
    const response = await fetch(`${fixture.gateway.url}/v1beta/models/embed:embedContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: { parts: [{ inlineData: { mimeType: 'image/png', data: 'AA==' } }] } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { status: 'INVALID_ARGUMENT', message: expect.stringContaining('content.parts[0]') },
    });
  });
});
