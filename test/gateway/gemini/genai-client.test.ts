import { ApiError, FunctionCallingConfigMode, GoogleGenAI, Type } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeminiFixture, startGeminiFixture } from './fixture.ts';

let fixture: GeminiFixture;
let client: GoogleGenAI;

beforeAll(async () => {
  fixture = await startGeminiFixture();
  client = new GoogleGenAI({ apiKey: 'unused', httpOptions: { baseUrl: fixture.gateway.url } });
});
afterAll(() => fixture.close());

const contents = 'hello there';

describe('the Gemini endpoint with the official @google/genai client', () => {
  it('answers generateContent from a Gemini upstream in Gemini shape', async () => {
    const response = await client.models.generateContent({ model: 'flash', contents });
    expect(response.text).toBe('echo: hello there');
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.modelVersion).toBe('g:gemini-2.5-flash');
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 2,
      candidatesTokenCount: 4,
      totalTokenCount: 6,
    });
    expect(response.sdkHttpResponse?.headers?.['x-understudy-model']).toBe('g:gemini-2.5-flash');
  });

  it('falls back from a failing Gemini upstream to an OpenAI one', async () => {
    const response = await client.models.generateContent({ model: 'fallback', contents });
    expect(response.text).toBe('echo: hello there');
    expect(response.modelVersion).toBe('o:gpt-4o');
    expect(response.sdkHttpResponse?.headers?.['x-understudy-fallbacks']).toBe('1');
  });

  it('streams with generateContentStream, after a fallback too', async () => {
    for (const model of ['flash', 'fallback', 'cut']) {
      let text = '';
      let last: { finishReason?: string } | undefined;
      let usage: unknown;
      for await (const chunk of await client.models.generateContentStream({ model, contents })) {
        text += chunk.text ?? '';
        last = chunk.candidates?.[0];
        usage = chunk.usageMetadata ?? usage;
      }
      expect(text, model).toBe('echo: hello there');
      expect(last?.finishReason, model).toBe('STOP');
      expect(usage, model).toMatchObject({ promptTokenCount: 2, candidatesTokenCount: 4 });
    }
  });

  it('ends a stream that breaks after its first text with an error chunk, which the SDK raises', async () => {
    let text = '';
    const error = await (async () => {
      for await (const chunk of await client.models.generateContentStream({ model: 'broken', contents }))
        text += chunk.text ?? '';
    })().catch((e: unknown) => e);
    expect(text).not.toBe('');
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toContain('UNAVAILABLE');
  });

  it('carries a function call and its response across a turn, to either protocol', async () => {
    const tools = [
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'The weather in a city.',
            parameters: {
              type: Type.OBJECT,
              properties: { city: { type: Type.STRING } },
              required: ['city'],
            },
          },
        ],
      },
    ];
    for (const model of ['flash', 'openai']) {
      const first = await client.models.generateContent({
        model,
        contents: 'Weather in Paris?',
        config: { tools, toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } } },
      });
      const call = first.functionCalls?.[0];
      expect(call?.name, model).toBe('get_weather');
      expect(typeof call?.args?.city, model).toBe('string');
      // Gemini makes calls without ids (the answer is passed through); the gateway gives another
      // provider's call its id.
      if (model === 'openai') expect(call?.id, model).toBeTruthy();
      const second = await client.models.generateContent({
        model,
        contents: [
          { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
          { role: 'model', parts: [{ functionCall: call! }] },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'get_weather', id: call!.id!, response: { output: 'sunny' } } },
            ],
          },
        ],
        config: { tools },
      });
      expect(second.functionCalls, model).toBeUndefined();
      expect(second.text, model).toMatch(/^echo: /);
    }
  });

  it('streams a function call whole, in a chunk of its own', async () => {
    const calls: unknown[] = [];
    const stream = await client.models.generateContentStream({
      model: 'openai',
      contents: 'Weather in Paris?',
      config: {
        tools: [
          {
            functionDeclarations: [
              {
                name: 'get_weather',
                parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } },
              },
            ],
          },
        ],
      },
    });
    for await (const chunk of stream) calls.push(...(chunk.functionCalls ?? []));
    expect(calls).toEqual([expect.objectContaining({ name: 'get_weather', args: expect.any(Object) })]);
  });

  it('answers structured output as JSON text', async () => {
    const response = await client.models.generateContent({
      model: 'openai',
      contents: 'A city, please.',
      config: {
        responseMimeType: 'application/json',
        responseSchema: {
          type: Type.OBJECT,
          properties: { city: { type: Type.STRING } },
          required: ['city'],
        },
      },
    });
    expect(JSON.parse(response.text ?? '')).toEqual({ city: expect.any(String) });
  });

  it('counts tokens: exactly on a Gemini upstream, flagged as an estimate on another', async () => {
    const exact = await client.models.countTokens({ model: 'flash', contents: 'hello there, world' });
    expect(exact.totalTokens).toBeGreaterThan(0);
    expect(exact.sdkHttpResponse?.headers?.['x-understudy-token-count']).toBe('exact');
    const estimate = await client.models.countTokens({ model: 'openai', contents: 'hello there, world' });
    expect(estimate.totalTokens).toBe(5);
    expect(estimate.sdkHttpResponse?.headers?.['x-understudy-token-count']).toBe('estimate');
  });

  it('lists and gets models in Gemini shape', async () => {
    const names: string[] = [];
    for await (const model of await client.models.list()) names.push(model.name ?? '');
    expect(names).toContain('models/flash');
    const model = await client.models.get({ model: 'flash' });
    expect(model.name).toBe('models/flash');
    expect(
      model.supportedActions ??
        (model as { supportedGenerationMethods?: string[] }).supportedGenerationMethods,
    ).toBeDefined();
  });

  it("raises the SDK's ApiError with Google's status when every model fails", async () => {
    const error = await client.models
      .generateContent({ model: 'g:gemini-down', contents })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect(JSON.parse((error as ApiError).message)).toMatchObject({
      error: {
        code: 503,
        status: 'UNAVAILABLE',
        attempts: [{ model: 'g:gemini-down', kind: 'overloaded', status: 503 }],
      },
    });
  });
});
