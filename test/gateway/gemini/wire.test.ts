/** The Gemini endpoint on the wire, as a client without an SDK sees it: stream forms, keys, errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeminiFixture, startGeminiFixture } from './fixture.ts';

let fixture: GeminiFixture;
const KEY = 'client-key-1';

beforeAll(async () => {
  fixture = await startGeminiFixture({}, { UNDERSTUDY_CLIENT_KEYS: KEY });
});
afterAll(() => fixture.close());

const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello there' }] }] });

function post(path: string, headers: Record<string, string> = { 'x-goog-api-key': KEY }, payload = body) {
  return fetch(`${fixture.gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: payload,
  });
}

describe('the Gemini endpoint on the wire', () => {
  it('streams a JSON array without alt=sse, as Gemini does', async () => {
    const response = await post('/v1beta/models/fallback:streamGenerateContent');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const chunks = JSON.parse(await response.text()) as Array<{
      candidates: Array<{ content: { parts: Array<{ text: string }> }; finishReason?: string }>;
    }>;
    expect(chunks.map((c) => c.candidates[0]!.content.parts[0]!.text).join('')).toBe('echo: hello there');
    expect(chunks.at(-1)?.candidates[0]?.finishReason).toBe('STOP');
  });

  it('streams SSE with alt=sse', async () => {
    const response = await post('/v1beta/models/flash:streamGenerateContent?alt=sse');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await response.text();
    expect(text.startsWith('data: {"candidates"')).toBe(true);
    expect(text).toMatch(/\r?\n\r?\n$/);
  });

  it('takes the key from x-goog-api-key or ?key=, and refuses a missing one in Google error shape', async () => {
    expect((await post('/v1beta/models/flash:generateContent')).status).toBe(200);
    expect((await post(`/v1beta/models/flash:generateContent?key=${KEY}`, {})).status).toBe(200);
    const missing = await post('/v1beta/models/flash:generateContent', {});
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      error: { code: 401, message: expect.stringContaining('x-goog-api-key'), status: 'UNAUTHENTICATED' },
    });
    const wrong = await post('/v1beta/models/flash:generateContent?key=nope', {});
    expect(wrong.status).toBe(401);
  });

  it('passes a field only Gemini has to Gemini, and names it in a Google 400 where it would be translated', async () => {
    const body = JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }], tools: [{ codeExecution: {} }] });
    expect((await post('/v1beta/models/flash:generateContent', undefined, body)).status).toBe(200);
    const translated = await post('/v1beta/models/openai:generateContent', undefined, body);
    expect(translated.status).toBe(400);
    expect(await translated.json()).toEqual({
      error: {
        code: 400,
        message: expect.stringContaining('tools[0].codeExecution'),
        status: 'INVALID_ARGUMENT',
      },
    });
    // A chain with a Gemini model tries it (here it answers 503); the OpenAI model after it refuses its
    // own attempt, and a refusal ends the chain.
    const tried = fixture.gemini.stats.models['gemini-down'] ?? 0;
    const mixed = await post('/v1beta/models/fallback:generateContent', undefined, body);
    expect(fixture.gemini.stats.models['gemini-down']).toBe(tried + 1);
    expect(mixed.status).toBe(400);
    expect(await mixed.json()).toMatchObject({
      error: {
        message: expect.stringContaining('tools[0].codeExecution'),
        attempts: [{ model: 'o:gpt-4o', kind: 'bad_request' }],
      },
    });
  });

  it('answers unknown models and methods with Google 404s', async () => {
    const model = await fetch(`${fixture.gateway.url}/v1beta/models/nope`, {
      headers: { 'x-goog-api-key': KEY },
    });
    expect(model.status).toBe(404);
    expect(((await model.json()) as { error: { status: string } }).error.status).toBe('NOT_FOUND');
    const method = await post('/v1beta/models/flash:predict');
    expect(method.status).toBe(404);
    expect(((await method.json()) as { error: { status: string } }).error.status).toBe('NOT_FOUND');
  });

  it('keeps /v1/models/{id} for OpenAI clients, even with a provider prefix in the id', async () => {
    const response = await fetch(`${fixture.gateway.url}/v1/models/g:gemini-2.5-flash`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(await response.json()).toMatchObject({ id: 'g:gemini-2.5-flash', object: 'model' });
  });

  it('lists /v1/models in Gemini shape for a Google client', async () => {
    const response = await fetch(`${fixture.gateway.url}/v1/models`, { headers: { 'x-goog-api-key': KEY } });
    const body = (await response.json()) as { models: Array<{ name: string }> };
    expect(body.models.map((m) => m.name)).toContain('models/flash');
  });

  it('counts the generateContentRequest form, exactly on Gemini and as an estimate elsewhere', async () => {
    const request = JSON.stringify({
      generateContentRequest: {
        model: 'models/flash',
        contents: [{ role: 'user', parts: [{ text: 'hello there, world' }] }],
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
      },
    });
    const exact = await post('/v1beta/models/flash:countTokens', undefined, request);
    expect(exact.headers.get('x-understudy-token-count')).toBe('exact');
    expect(await exact.json()).toEqual({ totalTokens: 7 }); // the emulator's count: words and punctuation
    const estimate = await post('/v1beta/models/openai:countTokens', undefined, request);
    expect(estimate.headers.get('x-understudy-token-count')).toBe('estimate');
    expect(await estimate.json()).toEqual({ totalTokens: 7 });
  });
});
