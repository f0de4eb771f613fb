/**
 * Failure mapping against a local server that answers with Anthropic's real error bodies and headers,
 * breaks connections, sends in-band error events, truncates streams and holds requests to be aborted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inBandError } from '../../../src/adapters/anthropic/errors.ts';
import { AnthropicModel } from '../../../src/adapters/anthropic/model.ts';
import { ModelAPIError, ModelHTTPError, UnexpectedModelBehavior } from '../../../src/core/errors/index.ts';
import type { ModelMessage, ModelResponseStreamEvent } from '../../../src/core/messages.ts';
import { userPrompt } from '../../../src/core/messages.ts';
import { localProvider } from '../../support/local-provider.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let origin: string;
let handler: Handler = (_req, res) => res.end();
/** Resolves when the socket of the latest request closes: proof that an abort reached the wire. */
let requestClosed: Promise<void> = Promise.resolve();
let requestArrived: Promise<void> = Promise.resolve();
let arrive: () => void = () => {};

beforeAll(async () => {
  server = createServer((req, res) => {
    requestClosed = new Promise((resolve) => req.socket.once('close', () => resolve()));
    req.resume();
    req.on('end', () => {
      arrive();
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function serve(next: Handler): void {
  handler = next;
  requestArrived = new Promise((resolve) => {
    arrive = resolve;
  });
}

function modelAt(base: string): AnthropicModel {
  const provider = localProvider(base, {
    name: 'anthropic',
    protocol: 'anthropic',
    prefix: '/v1',
    headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
  });
  return new AnthropicModel('claude-sonnet-4-5', { provider, settings: { maxTokens: 100 } });
}

const HELLO: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hi')] }];

function errorBody(type: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_011CTest' });
}

function sse(...frames: object[]): string {
  return frames
    .map((frame) => `event: ${(frame as { type: string }).type}\ndata: ${JSON.stringify(frame)}\n\n`)
    .join('');
}

const MESSAGE_START = {
  type: 'message_start',
  message: {
    id: 'msg_01Test',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [],
    stop_reason: null,
    usage: { input_tokens: 9, output_tokens: 1 },
  },
};
const TEXT_START = { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } };
const TEXT_DELTA = { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } };

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

async function drain(
  iterable: AsyncIterable<ModelResponseStreamEvent>,
  seen: ModelResponseStreamEvent[] = [],
) {
  for await (const event of iterable) seen.push(event);
  return seen;
}

describe('HTTP errors with real Anthropic bodies', () => {
  const cases: Array<{
    status: number;
    type: string;
    message: string;
    kind: string;
    headers?: Record<string, string>;
    retryAfterMs?: number;
  }> = [
    {
      status: 429,
      type: 'rate_limit_error',
      message: 'Number of request tokens has exceeded your per-minute rate limit',
      kind: 'rate_limit',
      headers: { 'retry-after': '7' },
      retryAfterMs: 7000,
    },
    {
      status: 429,
      type: 'rate_limit_error',
      message: 'rate limited',
      kind: 'rate_limit',
      headers: { 'retry-after-ms': '1500' },
      retryAfterMs: 1500,
    },
    { status: 500, type: 'api_error', message: 'Internal server error', kind: 'server' },
    { status: 503, type: 'api_error', message: 'Service unavailable', kind: 'overloaded' },
    { status: 529, type: 'overloaded_error', message: 'Overloaded', kind: 'overloaded' },
    {
      status: 400,
      type: 'invalid_request_error',
      message: 'prompt is too long: 208310 tokens > 200000 maximum',
      kind: 'context_length',
    },
    {
      status: 413,
      type: 'request_too_large',
      message: 'Request exceeds the maximum allowed number of bytes.',
      kind: 'context_length',
    },
    {
      status: 400,
      type: 'invalid_request_error',
      message: 'Output blocked by content filtering policy',
      kind: 'content_filter',
    },
    {
      status: 400,
      type: 'invalid_request_error',
      message: 'max_tokens: Field required',
      kind: 'bad_request',
    },
    { status: 401, type: 'authentication_error', message: 'invalid x-api-key', kind: 'auth' },
    {
      status: 403,
      type: 'permission_error',
      message: 'Your API key does not have permission to use the specified resource.',
      kind: 'auth',
    },
    { status: 404, type: 'not_found_error', message: 'model: claude-nope', kind: 'not_found' },
  ];
  for (const c of cases) {
    test(`${c.status} ${c.type} → ${c.kind}`, async () => {
      serve((_req, res) => {
        res.writeHead(c.status, {
          'content-type': 'application/json',
          'request-id': 'req_011CTest',
          ...c.headers,
        });
        res.end(errorBody(c.type, c.message));
      });
      const error = await failure(modelAt(origin).request(HELLO));
      expect(error).toBeInstanceOf(ModelHTTPError);
      const httpError = error as ModelHTTPError;
      expect(httpError.kind).toBe(c.kind);
      expect(httpError.statusCode).toBe(c.status);
      expect(httpError.body).toEqual({
        type: 'error',
        error: { type: c.type, message: c.message },
        request_id: 'req_011CTest',
      });
      expect(httpError.retryAfterMs).toBe(c.retryAfterMs);
    });
  }

  test('429 with only anthropic-ratelimit-*-reset headers waits for the latest reset', async () => {
    const now = Date.now();
    serve((_req, res) => {
      res.writeHead(429, {
        'content-type': 'application/json',
        'anthropic-ratelimit-requests-reset': new Date(now + 20_000).toISOString(),
        'anthropic-ratelimit-tokens-reset': new Date(now + 40_000).toISOString(),
        'anthropic-ratelimit-input-tokens-reset': new Date(now + 5_000).toISOString(),
      });
      res.end(errorBody('rate_limit_error', 'rate limited'));
    });
    const error = (await failure(modelAt(origin).requestStream(HELLO))) as ModelHTTPError;
    expect(error.kind).toBe('rate_limit');
    expect(error.retryAfterMs).toBeGreaterThan(38_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(40_000);
  });

  test('a 200 whose body is an error object is reported with its kind', async () => {
    serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(errorBody('overloaded_error', 'Overloaded'));
    });
    const error = (await failure(modelAt(origin).request(HELLO))) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('overloaded');
    expect(error.message).toBe('Anthropic reported an error (overloaded_error): Overloaded');
  });
});

describe('transport failures', () => {
  test('connection refused on a closed port → network', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = (await failure(modelAt(`http://127.0.0.1:${port}`).request(HELLO))) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });

  test('a reset after half the JSON body → network', async () => {
    serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
      res.write('{"id":"msg_01","type":"message","content":[{"type":"te');
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const error = (await failure(modelAt(origin).request(HELLO))) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('network');
  });

  test('a reset after half the SSE body → network, from the iterator', async () => {
    serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse(MESSAGE_START, TEXT_START, TEXT_DELTA));
      res.write('event: content_block_delta\ndata: {"type":"content_blo');
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const stream = await modelAt(origin).requestStream(HELLO);
    const seen: ModelResponseStreamEvent[] = [];
    const error = (await failure(drain(stream, seen))) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('network');
    expect(seen).toEqual([{ kind: 'part-start', index: 0, part: { partKind: 'text', content: 'Hel' } }]);
  });

  test('settings.timeout on a bare adapter → ModelAPIError kind timeout, and the socket is closed', async () => {
    serve(() => {}); // never answers
    const error = (await failure(modelAt(origin).request(HELLO, { timeout: 40 }))) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('Anthropic call timed out after 40 ms');
    await requestClosed;
  });
});

describe('in-band stream failures', () => {
  test('an overloaded_error event before the first token → kind overloaded', async () => {
    serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        sse(MESSAGE_START, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      );
    });
    const stream = await modelAt(origin).requestStream(HELLO);
    const seen: ModelResponseStreamEvent[] = [];
    const error = (await failure(drain(stream, seen))) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error).not.toBeInstanceOf(ModelHTTPError);
    expect(error.kind).toBe('overloaded');
    expect(error.message).toBe('Anthropic reported an error (overloaded_error): Overloaded');
    expect(seen).toEqual([]);
  });

  test('an api_error event after the first token → kind server, the token already delivered', async () => {
    serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        sse(MESSAGE_START, TEXT_START, TEXT_DELTA, {
          type: 'error',
          error: { type: 'api_error', message: 'Internal server error' },
        }),
      );
    });
    const stream = await modelAt(origin).requestStream(HELLO);
    const seen: ModelResponseStreamEvent[] = [];
    const error = (await failure(drain(stream, seen))) as ModelAPIError;
    expect(error.kind).toBe('server');
    expect(error.message).toContain('Internal server error');
    expect(seen).toHaveLength(1);
    expect(stream.get().parts).toEqual([{ partKind: 'text', content: 'Hel' }]);
    expect(stream.get().finishReason).toBeUndefined();
  });

  test('a stream that ends without message_stop → kind stream_error', async () => {
    serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(sse(MESSAGE_START, TEXT_START, TEXT_DELTA, { type: 'content_block_stop', index: 0 }));
    });
    const stream = await modelAt(origin).requestStream(HELLO);
    const error = (await failure(drain(stream))) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('stream_error');
    expect(error.message).toBe('Anthropic stream ended before message_stop');
  });

  test('a malformed JSON frame → UnexpectedModelBehavior kind stream_error', async () => {
    serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`${sse(MESSAGE_START)}event: content_block_start\ndata: {"type":"content_block_start",\n\n`);
    });
    const stream = await modelAt(origin).requestStream(HELLO);
    const error = (await failure(drain(stream))) as UnexpectedModelBehavior;
    expect(error).toBeInstanceOf(UnexpectedModelBehavior);
    expect(error.kind).toBe('stream_error');
    expect(error.body).toBe('{"type":"content_block_start",');
  });

  test('a known event with the wrong shape → UnexpectedModelBehavior kind stream_error', async () => {
    serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(sse(MESSAGE_START, { type: 'content_block_delta', index: 'zero', delta: {} }));
    });
    const error = (await failure(
      drain(await modelAt(origin).requestStream(HELLO)),
    )) as UnexpectedModelBehavior;
    expect(error).toBeInstanceOf(UnexpectedModelBehavior);
    expect(error.kind).toBe('stream_error');
  });

  test('a malformed JSON body (not streamed) → UnexpectedModelBehavior kind server', async () => {
    serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>502 Bad Gateway</html>');
    });
    const error = (await failure(modelAt(origin).request(HELLO))) as UnexpectedModelBehavior;
    expect(error).toBeInstanceOf(UnexpectedModelBehavior);
    expect(error.kind).toBe('server');
    expect(error.body).toBe('<html>502 Bad Gateway</html>');
    expect(error.modelName).toBe('claude-sonnet-4-5');
  });

  test('the in-band mapper names the provider message and classifies rate limits', () => {
    const error = inBandError({ kind: 'error-event', type: 'rate_limit_error', message: 'slow down' }, 'm');
    expect(error.kind).toBe('rate_limit');
    expect(error.message).toBe('Anthropic reported an error (rate_limit_error): slow down');
  });
});

describe('aborts', () => {
  test('before the headers: the promise rejects with the reason and the socket closes', async () => {
    serve(() => {}); // holds the request
    const controller = new AbortController();
    const pending = modelAt(origin).requestStream(HELLO, { signal: controller.signal });
    await requestArrived;
    const reason = new Error('caller gave up');
    controller.abort(reason);
    expect(await failure(pending)).toBe(reason);
    await requestClosed;
  });

  test('after the headers, before the first event: the iterator rejects with the reason', async () => {
    serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
    });
    const controller = new AbortController();
    const stream = await modelAt(origin).requestStream(HELLO, { signal: controller.signal });
    const reason = new Error('stop now');
    const iterating = failure(drain(stream));
    setTimeout(() => controller.abort(reason), 10);
    expect(await iterating).toBe(reason);
    await requestClosed;
  });

  test('mid-stream: the iterator rejects with the reason after the events already seen', async () => {
    serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse(MESSAGE_START, TEXT_START, TEXT_DELTA));
    });
    const controller = new AbortController();
    const stream = await modelAt(origin).requestStream(HELLO, { signal: controller.signal });
    const reason = new Error('enough');
    const seen: ModelResponseStreamEvent[] = [];
    const error = await failure(
      (async () => {
        for await (const event of stream) {
          seen.push(event);
          controller.abort(reason);
        }
      })(),
    );
    expect(error).toBe(reason);
    expect(seen).toHaveLength(1);
    await requestClosed;
  });

  test('a non-streamed request aborted before the headers rejects with the reason', async () => {
    serve(() => {});
    const controller = new AbortController();
    const pending = modelAt(origin).request(HELLO, { signal: controller.signal });
    await requestArrived;
    controller.abort('cancelled by test');
    expect(await failure(pending)).toBe('cancelled by test');
    await requestClosed;
  });
});
