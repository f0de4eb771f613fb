/**
 * The OpenAI emulator held to the official `openai` client: it must accept every answer as it accepts
 * the real service's, and surface every fault as its own typed error.
 */
import OpenAI, { type APIError, type RateLimitError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';

let chaos: ChaosServer;
let client: OpenAI;
const messages = [{ role: 'user' as const, content: 'hello there, world' }];
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city', 'unit'],
    },
  },
};

beforeAll(async () => {
  chaos = await startChaosServer({ protocol: 'openai', hangCapMs: 2_000 });
  client = new OpenAI({ baseURL: chaos.url, apiKey: 'sk-test', maxRetries: 0, timeout: 2_000 });
});
afterAll(() => chaos.close());

const withFault = (fault: string) => ({ headers: { 'x-chaos': fault } });

async function collect(fault?: string, extra: Partial<OpenAI.ChatCompletionCreateParamsStreaming> = {}) {
  const stream = await client.chat.completions.create(
    { model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true }, ...extra },
    fault ? withFault(fault) : {},
  );
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  let error: unknown;
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (caught) {
    error = caught;
  }
  const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
  const finish = chunks.map((chunk) => chunk.choices[0]?.finish_reason).find(Boolean);
  return { chunks, text, finish, error };
}

describe('answers', () => {
  it('echoes the last user message with usage from the tokenizer', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages });
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(completion.model).toBe('gpt-4o');
    expect(completion.choices[0]!.message).toEqual({
      role: 'assistant',
      content: 'echo: hello there, world',
      refusal: null,
      annotations: [],
    });
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 });
  });

  it('streams one token per chunk and a usage chunk with empty choices before [DONE]', async () => {
    const { chunks, text, finish, error } = await collect();
    expect(error).toBeUndefined();
    expect(text).toBe('echo: hello there, world');
    expect(finish).toBe('stop');
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 });
  });

  it('calls the offered tool with arguments built from its schema, then answers after the result', async () => {
    const first = await client.chat.completions.create({ model: 'gpt-4o', messages, tools: [weatherTool] });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && call.function).toEqual({
      name: 'get_weather',
      arguments: '{"city":"example","unit":"celsius"}',
    });
    const second = await client.chat.completions.create({
      model: 'gpt-4o',
      tools: [weatherTool],
      messages: [
        ...messages,
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: 'sunny' },
      ],
    });
    expect(second.choices[0]!.message.content).toBe('echo: hello there, world');
  });

  it('streams tool call arguments in fragments that join to the JSON', async () => {
    const { chunks, finish } = await collect(undefined, { tools: [weatherTool] });
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(calls.map((call) => call.function?.arguments ?? '').join('')).toBe(
      '{"city":"example","unit":"celsius"}',
    );
    expect(finish).toBe('tool_calls');
  });

  it('stops at max_tokens with finish_reason length', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      max_completion_tokens: 2,
    });
    expect(completion.choices[0]!.message.content).toBe('echo:');
    expect(completion.choices[0]!.finish_reason).toBe('length');
  });

  it('rejects a request without messages with OpenAI 400 body', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o' } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as APIError).error).toEqual({
      message: "Missing required parameter: 'messages'.",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'missing_required_parameter',
    });
  });
});

describe('status faults', () => {
  const cases: [string, unknown, number, string | null][] = [
    ['status:400;context-length', OpenAI.BadRequestError, 400, 'context_length_exceeded'],
    ['status:400;content-policy', OpenAI.BadRequestError, 400, 'invalid_prompt'],
    ['status:401', OpenAI.AuthenticationError, 401, 'invalid_api_key'],
    ['status:403', OpenAI.PermissionDeniedError, 403, 'unsupported_country_region_territory'],
    ['status:404', OpenAI.NotFoundError, 404, 'model_not_found'],
    ['status:429', OpenAI.RateLimitError, 429, 'rate_limit_exceeded'],
    ['status:500', OpenAI.InternalServerError, 500, null],
    ['status:503', OpenAI.InternalServerError, 503, null],
    ['status:529', OpenAI.InternalServerError, 529, null],
  ];
  for (const [fault, errorClass, status, code] of cases) {
    it(`${fault} → ${(errorClass as { name: string }).name} (stream and not)`, async () => {
      for (const stream of [false, true]) {
        const error = await client.chat.completions
          .create({ model: 'gpt-4o', messages, stream }, withFault(fault))
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(errorClass);
        expect((error as APIError).status).toBe(status);
        expect((error as APIError).code ?? null).toBe(code);
      }
    });
  }

  it('429 carries retry-after and retry-after-ms headers', async () => {
    const error = (await client.chat.completions
      .create({ model: 'gpt-4o', messages }, withFault('status:429;retry-after=2;retry-after-ms=1500'))
      .catch((caught: unknown) => caught)) as RateLimitError;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.headers.get('retry-after')).toBe('2');
    expect(error.headers.get('retry-after-ms')).toBe('1500');
    expect(error.headers.get('x-ratelimit-reset-requests')).toBe('1500ms');
  });

  it('502 is the CDN HTML page, as OpenAI sends it', async () => {
    const error = (await client.chat.completions
      .create({ model: 'gpt-4o', messages }, withFault('status:502'))
      .catch((caught: unknown) => caught)) as APIError;
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.message).toContain('502 Bad Gateway');
  });

  it('an unknown fault is a 400 naming the valid faults', async () => {
    const error = (await client.chat.completions
      .create({ model: 'gpt-4o', messages }, withFault('explode'))
      .catch((caught: unknown) => caught)) as APIError;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toContain("unknown fault 'explode'");
    expect(error.message).toContain('cut-after:<tokens>[;clean]');
  });
});

describe('connection faults', () => {
  for (const fault of ['reset', 'refuse']) {
    it(`${fault} → APIConnectionError`, async () => {
      const error = await client.chat.completions
        .create({ model: 'gpt-4o', messages }, withFault(fault))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    });
  }

  it('hang → APIConnectionTimeoutError when the client gives up', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages }, { ...withFault('hang'), timeout: 100 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it('a closed server refuses the port', async () => {
    const doomed = await startChaosServer({ protocol: 'openai' });
    await doomed.close();
    const gone = new OpenAI({ baseURL: doomed.url, apiKey: 'sk-test', maxRetries: 0 });
    const error = await gone.chat.completions
      .create({ model: 'gpt-4o', messages })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
  });
});

describe('stream faults', () => {
  it('slow-first-token delays the first chunk', async () => {
    const started = Date.now();
    const { text } = await collect('slow-first-token:120');
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(text).toBe('echo: hello there, world');
  });

  it('tokens-per-second paces the tokens', async () => {
    const started = Date.now();
    await collect('tokens-per-second:100');
    // 6 tokens: 5 gaps of 10 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('cut-after:2 breaks the connection after two tokens', async () => {
    const { text, finish, error } = await collect('cut-after:2');
    expect(text).toBe('echo:');
    expect(finish).toBeUndefined();
    expect(error).toBeInstanceOf(Error);
  });

  it('cut-after:2;clean ends the body with no finish and no [DONE]', async () => {
    const { text, finish, error, chunks } = await collect('cut-after:2;clean');
    expect(error).toBeUndefined();
    expect(text).toBe('echo:');
    expect(finish).toBeUndefined();
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it('stall-after:2 sends two tokens then nothing', async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o', messages, stream: true },
      { ...withFault('stall-after:2'), signal: controller.signal },
    );
    const seen: string[] = [];
    const timer = setTimeout(() => controller.abort(), 150);
    try {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    } catch {
      // the abort
    }
    clearTimeout(timer);
    expect(seen.join('')).toBe('echo:');
    expect(controller.signal.aborted).toBe(true);
  });

  for (const at of [0, 3]) {
    it(`error-frame:${at} → APIError after ${at} tokens`, async () => {
      const { text, error } = await collect(`error-frame:${at}`);
      expect(text).toBe(['', 'echo', ':', ' hello'].slice(0, at + 1).join(''));
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as APIError).message).toContain('The server had an error while processing your request');
    });
  }

  it('error-frame on a non-streamed request is the same error as a 500', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages }, withFault('error-frame:0'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
  });

  it('malformed sends a frame that is not JSON (and a non-stream body cut in half)', async () => {
    const { error } = await collect('malformed');
    expect(error).toBeInstanceOf(SyntaxError);
    const raw = await fetch(`${chaos.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chaos': 'malformed' },
      body: JSON.stringify({ model: 'gpt-4o', messages }),
    });
    expect(raw.status).toBe(200);
    await expect(raw.json()).rejects.toThrow(SyntaxError);
  });

  it('empty answers with no text', async () => {
    const completion = await client.chat.completions.create(
      { model: 'gpt-4o', messages },
      withFault('empty'),
    );
    expect(completion.choices[0]!.message.content).toBe('');
    expect(completion.usage?.completion_tokens).toBe(0);
    const { text, finish } = await collect('empty');
    expect([text, finish]).toEqual(['', 'stop']);
  });

  it('content-filter finishes with content_filter', async () => {
    const completion = await client.chat.completions.create(
      { model: 'gpt-4o', messages },
      withFault('content-filter:2'),
    );
    expect(completion.choices[0]!.message.content).toBe('echo:');
    expect(completion.choices[0]!.finish_reason).toBe('content_filter');
    const { finish } = await collect('content-filter');
    expect(finish).toBe('content_filter');
  });

  it('counts requests and faults by kind', () => {
    expect(chaos.stats.requests).toBeGreaterThan(20);
    expect(chaos.stats.faults['status:429']).toBe(3);
    expect(chaos.stats.faults['cut-after']).toBe(2);
    expect(chaos.stats.models['gpt-4o']).toBeGreaterThan(20);
  });
});
