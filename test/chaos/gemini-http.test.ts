/**
 * The Gemini emulator over raw HTTP (no official Gemini client is installed): routes, Google's error
 * bodies, candidates and the CRLF-separated SSE frames, and every fault in Gemini's shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';
import { readSSE } from '../../src/transport/sse.ts';

let chaos: ChaosServer;
// Response bodies are checked field by field against exact values; a loose type keeps that readable.
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON under test
type GeminiJson = any;
const body = { contents: [{ role: 'user', parts: [{ text: 'hello there, world' }] }] };

beforeAll(async () => {
  chaos = await startChaosServer({ protocol: 'gemini', hangCapMs: 2_000 });
});
afterAll(() => chaos.close());

function post(method: string, payload: unknown, fault?: string, query = '') {
  return fetch(`${chaos.url}/v1beta/models/gemini-2.5-flash:${method}${query}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-goog-api-key': 'test',
      ...(fault ? { 'x-chaos': fault } : {}),
    },
    body: JSON.stringify(payload),
  });
}

async function frames(fault?: string, payload: unknown = body) {
  const response = await post('streamGenerateContent', payload, fault, '?alt=sse');
  const data: Record<string, unknown>[] = [];
  let error: unknown;
  try {
    for await (const frame of readSSE(response.body!)) data.push(JSON.parse(frame.data));
  } catch (caught) {
    error = caught;
  }
  type Candidate = { content?: { parts?: { text?: string }[] }; finishReason?: string };
  const candidates = data.flatMap((frame) => (frame.candidates as Candidate[] | undefined) ?? []);
  const text = candidates
    .map((c) => c.content?.parts?.map((part) => part.text ?? '').join('') ?? '')
    .join('');
  const finish = candidates.map((c) => c.finishReason).find(Boolean);
  return { response, data, text, finish, error };
}

describe('answers', () => {
  it('generateContent echoes with usageMetadata', async () => {
    const response = await post('generateContent', body);
    expect(response.status).toBe(200);
    const json = (await response.json()) as GeminiJson;
    expect(json.candidates).toEqual([
      {
        content: { parts: [{ text: 'echo: hello there, world' }], role: 'model' },
        finishReason: 'STOP',
        index: 0,
      },
    ]);
    expect(json.usageMetadata).toEqual({
      promptTokenCount: 4,
      candidatesTokenCount: 6,
      totalTokenCount: 10,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 4 }],
    });
    expect(json.modelVersion).toBe('gemini-2.5-flash');
    expect(json.responseId).toMatch(/^[A-Za-z0-9]{23}$/);
  });

  it('streamGenerateContent?alt=sse sends CRLF frames, the last with finishReason and usage', async () => {
    const { response, data, text, finish } = await frames();
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const raw = await (await post('streamGenerateContent', body, undefined, '?alt=sse')).text();
    expect(raw.split('\r\n\r\n').filter(Boolean)).toHaveLength(7);
    expect(text).toBe('echo: hello there, world');
    expect(finish).toBe('STOP');
    expect(data.at(-1)!.usageMetadata).toMatchObject({ candidatesTokenCount: 6, totalTokenCount: 10 });
  });

  it('streamGenerateContent without alt=sse is a JSON array of the same chunks', async () => {
    const json: GeminiJson = await (await post('streamGenerateContent', body)).json();
    expect(json).toHaveLength(7);
    expect(json.at(-1).candidates[0].finishReason).toBe('STOP');
  });

  it('calls a declared function with schema-built args, then answers after the functionResponse', async () => {
    const tools = [
      {
        functionDeclarations: [
          {
            name: 'get_capital',
            parameters: {
              type: 'OBJECT',
              properties: { country: { type: 'STRING' } },
              required: ['country'],
            },
          },
        ],
      },
    ];
    const json: GeminiJson = await (await post('generateContent', { ...body, tools })).json();
    expect(json.candidates[0].content.parts).toEqual([
      { functionCall: { name: 'get_capital', args: { country: 'example' } } },
    ]);
    const after = {
      tools,
      contents: [
        ...body.contents,
        { role: 'model', parts: [{ functionCall: { name: 'get_capital', args: { country: 'example' } } }] },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'get_capital', response: { return_value: 'Paris' } } }],
        },
      ],
    };
    const second: GeminiJson = await (await post('generateContent', after)).json();
    expect(second.candidates[0].content.parts).toEqual([{ text: 'echo: hello there, world' }]);
  });

  it('rejects a request without contents with Google 400 body', async () => {
    const response = await post('generateContent', {});
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 400,
        message: '* GenerateContentRequest.contents: contents is not specified\n',
        status: 'INVALID_ARGUMENT',
      },
    });
  });
});

describe('faults', () => {
  const cases: [string, number, string][] = [
    ['status:400;context-length', 400, 'INVALID_ARGUMENT'],
    ['status:401', 401, 'UNAUTHENTICATED'],
    ['status:403', 403, 'PERMISSION_DENIED'],
    ['status:404', 404, 'NOT_FOUND'],
    ['status:429', 429, 'RESOURCE_EXHAUSTED'],
    ['status:500', 500, 'INTERNAL'],
    ['status:503', 503, 'UNAVAILABLE'],
    ['status:529', 529, 'UNAVAILABLE'],
  ];
  for (const [fault, status, name] of cases) {
    it(`${fault} → ${status} ${name}`, async () => {
      const response = await post('generateContent', body, fault);
      expect(response.status).toBe(status);
      const json = (await response.json()) as GeminiJson;
      expect(json.error).toMatchObject({ code: status, status: name });
    });
  }

  it('429 says when to retry in a RetryInfo detail and the retry-after header', async () => {
    const response = await post('generateContent', body, 'status:429;retry-after=7');
    expect(response.headers.get('retry-after')).toBe('7');
    const json = (await response.json()) as GeminiJson;
    expect(json.error.details).toContainEqual({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '7s',
    });
  });

  it('error-frame:2 sends an error object in the stream after two tokens', async () => {
    const { data, text } = await frames('error-frame:2');
    expect(text).toBe('echo:');
    expect(data.at(-1)).toEqual({
      error: {
        code: 503,
        message: 'The model is overloaded. Please try again later.',
        status: 'UNAVAILABLE',
      },
    });
  });

  it('cut-after:3;clean ends with no finishReason', async () => {
    const { text, finish, error } = await frames('cut-after:3;clean');
    expect([text, finish, error]).toEqual(['echo: hello', undefined, undefined]);
  });

  it('cut-after:1 drops the connection mid-body', async () => {
    const { text, error } = await frames('cut-after:1');
    expect(text).toBe('echo');
    expect(error).toBeInstanceOf(Error);
  });

  it('content-filter finishes with SAFETY and blocked safetyRatings', async () => {
    const json: GeminiJson = await (await post('generateContent', body, 'content-filter')).json();
    expect(json.candidates[0]).toMatchObject({ content: {}, finishReason: 'SAFETY' });
    expect(json.candidates[0].safetyRatings[0].blocked).toBe(true);
    expect((await frames('content-filter')).finish).toBe('SAFETY');
  });

  it('empty answers with a model turn without parts', async () => {
    const json: GeminiJson = await (await post('generateContent', body, 'empty')).json();
    expect(json.candidates[0]).toEqual({ content: { role: 'model' }, finishReason: 'STOP', index: 0 });
  });

  it('malformed breaks the JSON of a frame', async () => {
    const { error } = await frames('malformed');
    expect(error).toBeInstanceOf(SyntaxError);
  });

  it('reset drops the connection without a response', async () => {
    await expect(post('generateContent', body, 'reset')).rejects.toThrow();
  });

  it('hang sends nothing until the client gives up', async () => {
    const started = Date.now();
    const aborted = fetch(`${chaos.url}/v1beta/models/g:generateContent`, {
      method: 'POST',
      headers: { 'x-chaos': 'hang' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(80),
    });
    await expect(aborted).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('an unknown route is a 404 in Google error shape', async () => {
    const response = await fetch(`${chaos.url}/v1beta/models/x:predict`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as GeminiJson).error.status).toBe('NOT_FOUND');
  });
});
