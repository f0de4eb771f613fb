import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ModelAPIError, ModelHTTPError, UserError } from '../../src/core/errors/index.ts';
import type { ModelResponseStreamEvent } from '../../src/core/messages.ts';
import { ResponseBuilder } from '../../src/core/response-builder.ts';
import { type HttpCall, openStream, sendRequest, upstreamHeaders } from '../../src/transport/http-call.ts';
import type { Provider } from '../../src/transport/provider.ts';

let server: Server | undefined;
let origin = '';
const seen: Array<{ path: string; headers: Record<string, unknown>; body: string }> = [];

async function serve(handler: (res: ServerResponse) => void): Promise<void> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body });
      handler(res);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  vi.useRealTimers();
  seen.length = 0;
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

function spec(extra: Partial<HttpCall> = {}): HttpCall {
  return {
    modelName: 'm-1',
    settings: {},
    build: async () => ({
      url: `${origin}/v1/x`,
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    }),
    ...extra,
  };
}

describe('sendRequest', () => {
  test('posts what build made and returns the body text and lower-cased headers', async () => {
    await serve((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Request-Id': 'r-9' });
      res.end('{"ok":true}');
    });
    const answer = await sendRequest(spec());
    expect(answer.text).toBe('{"ok":true}');
    expect(answer.headers['x-request-id']).toBe('r-9');
    expect(seen).toEqual([
      {
        path: '/v1/x',
        headers: expect.objectContaining({ 'content-type': 'application/json' }),
        body: '{"a":1}',
      },
    ]);
  });

  test("build's UserError reaches the caller as it is, and the deadline timer is cleared", async () => {
    vi.useFakeTimers();
    const missingKey = new UserError('Set OPENAI_API_KEY');
    const failure = await sendRequest(
      spec({
        settings: { timeout: 1_000 },
        build: async () => {
          throw missingKey;
        },
      }),
    ).catch((error: unknown) => error);
    expect(failure).toBe(missingKey);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('an HTTP error goes through the call mapping, then refineFailure', async () => {
    await serve((res) => {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end('{"message":"slow down"}');
    });
    const refined = new ModelAPIError('m-1', 'refined', { kind: 'rate_limit' });
    const refineFailure = vi.fn((_error: unknown) => refined);
    const failure = await sendRequest(spec({ refineFailure })).catch((error: unknown) => error);
    expect(failure).toBe(refined);
    expect(refineFailure).toHaveBeenCalledTimes(1);
    const original = refineFailure.mock.calls[0]![0] as ModelHTTPError;
    expect(original).toBeInstanceOf(ModelHTTPError);
    expect(original.statusCode).toBe(429);
    expect(original.body).toEqual({ message: 'slow down' });
  });

  test("settings.timeout with the adapter's wording", async () => {
    await serve(() => {}); // never answers
    const failure = (await sendRequest(
      spec({ settings: { timeout: 30 }, timeoutMessage: (ms) => `Test call timed out after ${ms} ms` }),
    ).catch((error: unknown) => error)) as ModelAPIError;
    expect(failure).toBeInstanceOf(ModelAPIError);
    expect(failure.kind).toBe('timeout');
    expect(failure.message).toBe('Test call timed out after 30 ms');
  });
});

describe('openStream', () => {
  test("respond() maps the reader's raw failure and clears the deadline when the events end", async () => {
    await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: 1\n\n');
    });
    const opened = await openStream(spec({ settings: { timeout: 5_000 } }));
    expect(opened.headers['content-type']).toBe('text/event-stream');
    const builder = new ResponseBuilder('m-1', 'test');
    async function* events(): AsyncGenerator<ModelResponseStreamEvent> {
      yield* builder.textDelta(0, 'Hi');
      throw Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    }
    const stream = opened.respond(builder, events());
    const received: ModelResponseStreamEvent[] = [];
    const failure = (await (async () => {
      for await (const event of stream) received.push(event);
    })().catch((error: unknown) => error)) as ModelAPIError;
    expect(received).toEqual([{ kind: 'part-start', index: 0, part: { partKind: 'text', content: 'Hi' } }]);
    expect(failure).toBeInstanceOf(ModelAPIError);
    expect(failure.kind).toBe('network');
    expect(failure.message).toBe('connection to upstream failed (UND_ERR_SOCKET): other side closed');
    expect(stream.get().parts).toEqual([{ partKind: 'text', content: 'Hi' }]);
  });

  test('cancel() aborts the signal the upstream call runs under', async () => {
    await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    });
    const opened = await openStream(spec());
    const builder = new ResponseBuilder('m-1', 'test');
    const stream = opened.respond(builder, (async function* () {})());
    expect(opened.signal.aborted).toBe(false);
    const reason = new Error('enough');
    stream.cancel(reason);
    expect(opened.signal.aborted).toBe(true);
    expect(opened.signal.reason).toBe(reason);
  });
});

describe('upstreamHeaders', () => {
  const provider: Provider = {
    name: 'p',
    protocol: 'openai-chat',
    baseUrl: 'http://127.0.0.1:1',
    url: (path) => path,
    headers: async () => ({ authorization: 'Bearer k', accept: 'from-provider' }),
  };

  test('content type, accept, the provider, then extraHeaders, later ones winning', async () => {
    expect(
      await upstreamHeaders(
        provider,
        { extraHeaders: { authorization: 'Bearer mine', 'x-team': 'a' } },
        'text/event-stream',
      ),
    ).toEqual({
      'content-type': 'application/json',
      accept: 'from-provider',
      authorization: 'Bearer mine',
      'x-team': 'a',
    });
  });

  test('no accept header unless one is asked for', async () => {
    const bare: Provider = { ...provider, headers: () => ({ 'x-goog-api-key': 'g' }) };
    expect(await upstreamHeaders(bare, {})).toEqual({
      'content-type': 'application/json',
      'x-goog-api-key': 'g',
    });
  });
});
