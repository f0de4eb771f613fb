import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../../src/gateway/index.ts';
import { type GatewayFixture, startFixture } from './fixture.ts';

let fixture: GatewayFixture;
let client: OpenAI;

beforeAll(async () => {
  fixture = await startFixture();
  client = new OpenAI({ baseURL: `${fixture.gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => fixture.close());

const messages = [{ role: 'user' as const, content: 'hello there' }];

describe('POST /v1/chat/completions with the official openai client', () => {
  it('falls back from a rate-limited model and says who served in the body and headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'main', messages })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.model).toBe('b:claude-sonnet-4-5');
    expect(data.choices).toHaveLength(1);
    expect(data.choices[0]!.message).toEqual({
      role: 'assistant',
      content: 'echo: hello there',
      refusal: null,
      reasoning: null,
    });
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 });
    expect(response.headers.get('x-understudy-model')).toBe('b:claude-sonnet-4-5');
    expect(response.headers.get('x-understudy-attempts')).toBe('2');
    expect(response.headers.get('x-understudy-fallbacks')).toBe('1');
    expect(response.headers.get('x-understudy-trace')).toBe(
      'a:gpt-4o=rate_limit/429, b:claude-sonnet-4-5=ok',
    );
  });

  it('takes OpenRouter-style models: [...] after model', async () => {
    const body = {
      model: 'a:down',
      models: ['a:gpt-4o-mini'],
      messages,
    } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const data = await client.chat.completions.create(body);
    expect(data.model).toBe('a:gpt-4o-mini');
    expect(data.choices[0]!.message.content).toBe('echo: hello there');
  });

  it('streams across a fallback, with the usage chunk when include_usage is set', async () => {
    const stream = await client.chat.completions.create({
      model: 'main',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('echo: hello there');
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(new Set(chunks.map((c) => c.model))).toEqual(new Set(['b:claude-sonnet-4-5']));
    const finish = chunks.at(-2)!;
    expect(finish.choices[0]!.finish_reason).toBe('stop');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 });
  });

  it('answers 429 with a retry-after when every attempt was rate limited', async () => {
    const error = await client.chat.completions
      .create({ model: 'limited', messages })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const apiError = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(apiError.status).toBe(429);
    expect(apiError.headers.get('retry-after')).toBe('1');
    expect(apiError.error).toMatchObject({
      type: 'rate_limit_error',
      code: 'upstream_rate_limited',
      attempts: [{ model: 'a:gpt-4o', kind: 'rate_limit', status: 429 }],
    });
  });

  it('answers 503 with the attempt summary when every model is overloaded', async () => {
    const error = (await client.chat.completions
      .create({ model: 'unavailable', messages })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(503);
    const body = error.error as { message: string; attempts: unknown };
    expect(body.attempts).toEqual([
      { model: 'a:down', kind: 'overloaded', status: 503 },
      { model: 'b:claude-down', kind: 'overloaded', status: 529 },
    ]);
    expect(body.message).toMatch(
      /^All 2 attempts failed: a:down overloaded \(503\); b:claude-down overloaded \(529\)\./,
    );
    expect(body.message).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('answers 502 when the failures were server errors, and 400 when upstreams call the request bad', async () => {
    const failing = (await client.chat.completions
      .create({ model: 'failing', messages })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(failing.status).toBe(502);
    expect((failing.error as { attempts: unknown }).attempts).toEqual([
      { model: 'a:boom', kind: 'server', status: 500 },
      { model: 'a:down', kind: 'overloaded', status: 503 },
    ]);
    const rejected = (await client.chat.completions
      .create({ model: 'rejected', messages })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(rejected.status).toBe(400);
  });

  it('ends a stream that breaks after commit with an error frame and no [DONE]', async () => {
    const response = await fetch(`${fixture.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'broken', messages, stream: true }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain('[DONE]');
    const frames = text.trim().split('\n\n');
    const last = JSON.parse(frames.at(-1)!.slice('data: '.length)) as {
      error: { type: string; code: string };
    };
    expect(last.error.type).toBe('server_error');
    expect(frames.length).toBeGreaterThan(2);

    // The SDK surfaces it as an error, not as a short answer.
    const stream = await client.chat.completions.create({ model: 'broken', messages, stream: true });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(seen.join('')).not.toBe('');
  });

  describe('response_format', () => {
    // 'main' falls back from a rate-limited OpenAI model to Anthropic, which has no JSON mode of its own:
    // both formats travel as an output tool whose arguments come back as the message content.
    it('json_schema: the content is the JSON the schema describes, from the model that served', async () => {
      const data = await client.chat.completions.create({
        model: 'main',
        messages,
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'city',
            schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
          },
        },
      });
      expect(data.model).toBe('b:claude-sonnet-4-5');
      expect(data.choices[0]!.finish_reason).toBe('stop');
      expect(data.choices[0]!.message.tool_calls).toBeUndefined();
      expect(Object.keys(JSON.parse(data.choices[0]!.message.content!))).toEqual(['name']);
    });

    it('json_object: the content is a JSON object, streamed or not', async () => {
      const data = await client.chat.completions.create({
        model: 'main',
        messages,
        response_format: { type: 'json_object' },
      });
      expect(data.choices[0]!.finish_reason).toBe('stop');
      expect(data.choices[0]!.message.tool_calls).toBeUndefined();
      const answer = JSON.parse(data.choices[0]!.message.content!);
      expect(typeof answer === 'object' && answer !== null && !Array.isArray(answer)).toBe(true);

      const stream = await client.chat.completions.create({
        model: 'main',
        messages,
        stream: true,
        response_format: { type: 'json_object' },
      });
      let text = '';
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        expect(chunk.choices[0]?.delta.tool_calls).toBeUndefined();
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(finish).toBe('stop');
      expect(typeof JSON.parse(text)).toBe('object');
    });

    it("json_object beside the client's own tools: they stay callable, and its tool takes a free name", async () => {
      const tool = (name: string) => ({
        type: 'function' as const,
        function: { name, parameters: { type: 'object', properties: { q: { type: 'string' } } } },
      });
      const data = await client.chat.completions.create({
        model: 'a:gpt-4o-mini',
        messages,
        tools: [tool('json_answer'), tool('search')],
        response_format: { type: 'json_object' },
      });
      // The chaos model calls the first tool offered: the client's own, not the output tool.
      expect(data.choices[0]!.finish_reason).toBe('tool_calls');
      expect(
        data.choices[0]!.message.tool_calls!.map((c) => (c.type === 'function' ? c.function.name : c.type)),
      ).toEqual(['json_answer']);
      expect(data.choices[0]!.message.content).toBeNull();
    });
  });

  it('rejects unknown models with 404 model_not_found naming the known routes', async () => {
    const error = (await client.chat.completions
      .create({ model: 'nope', messages })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.NotFoundError>;
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect((error.error as { message: string }).message).toContain('routes: main, limited');
  });

  it('lists routes and their models in /v1/models', async () => {
    const list = await client.models.list();
    const ids = list.data.map((m) => m.id);
    expect(ids.slice(0, 2)).toEqual(['main', 'limited']);
    expect(ids).toContain('b:claude-sonnet-4-5');
    expect(list.data[0]).toEqual({ id: 'main', object: 'model', created: 0, owned_by: 'understudy' });
  });
});

describe('client disconnect', () => {
  it('cancels the upstream call: the upstream sees its connection close', async () => {
    let upstreamClosed = false;
    let sawRequest!: () => void;
    const requested = new Promise<void>((resolve) => {
      sawRequest = resolve;
    });
    // An upstream that sends one chunk, then nothing: only a cancel from the gateway ends it.
    const upstream = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(
        'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"slow","choices":[{"index":0,"delta":{"content":"first"},"finish_reason":null}]}\n\n',
      );
      res.on('close', () => {
        upstreamClosed = true;
      });
      sawRequest();
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const port = (upstream.address() as AddressInfo).port;
    const gateway = await startGateway({
      config: { providers: { slow: { type: 'openai', baseUrl: `http://127.0.0.1:${port}/v1` } } },
      port: 0,
      env: {},
      log: () => {},
    });
    try {
      const abort = new AbortController();
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'slow:slow', messages, stream: true }),
        signal: abort.signal,
      });
      await requested;
      const reader = response.body!.getReader();
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value)).toContain('"content":"first"');
      expect(upstreamClosed).toBe(false);
      abort.abort();
      for (let i = 0; i < 100 && !upstreamClosed; i++) await new Promise((r) => setTimeout(r, 10));
      expect(upstreamClosed).toBe(true);
    } finally {
      await gateway.close();
      upstream.closeAllConnections();
      upstream.close();
    }
  });
});
