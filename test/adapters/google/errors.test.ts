/**
 * Failure paths against a local server that answers like Gemini does: real error bodies and headers,
 * in-band error frames, truncated and malformed bodies, resets, aborts and deadlines.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GoogleModel } from '../../../src/adapters/google/model.ts';
import { ModelAPIError, ModelHTTPError, UnexpectedModelBehavior } from '../../../src/core/errors/index.ts';
import { type ModelMessage, type ModelResponseStreamEvent, userPrompt } from '../../../src/core/messages.ts';
import { localProvider } from '../../support/local-provider.ts';

interface LocalServer {
  url: string;
  /** One promise per request received, settled when that request's socket closes. */
  socketClosed: Array<Promise<void>>;
  close(): Promise<void>;
}

let servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<LocalServer> {
  const socketClosed: Array<Promise<void>> = [];
  const server = createServer((req, res) => {
    socketClosed.push(new Promise((resolve) => req.socket.once('close', () => resolve())));
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const local: LocalServer = {
    url: `http://127.0.0.1:${port}`,
    socketClosed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(local);
  return local;
}

function modelAt(url: string, modelName = 'gemini-2.5-flash'): GoogleModel {
  const provider = localProvider(url, {
    name: 'google-gla',
    protocol: 'google',
    prefix: '/v1beta',
    headers: { 'x-goog-api-key': 'test-key' },
  });
  return new GoogleModel(modelName, { provider });
}

const HELLO: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('Hello')] }];

function errorBody(code: number, status: string, message: string, details?: unknown[]): string {
  return JSON.stringify({ error: details ? { code, message, status, details } : { code, message, status } });
}

function sse(...chunks: unknown[]): string {
  return chunks
    .map((chunk) => `data: ${typeof chunk === 'string' ? chunk : JSON.stringify(chunk)}\r\n\r\n`)
    .join('');
}

const textChunk = (text: string, finishReason?: string) => ({
  candidates: [
    { content: { role: 'model', parts: [{ text }] }, index: 0, ...(finishReason ? { finishReason } : {}) },
  ],
  usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 1, totalTokenCount: 3 },
  modelVersion: 'gemini-2.5-flash',
  responseId: 'resp-1',
});

// Gemini's real 429: quota details, a help link, and RetryInfo with the delay it wants.
const QUOTA_DETAILS = [
  {
    '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
    violations: [
      {
        quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
        quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
        quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' },
        quotaValue: '10',
      },
    ],
  },
  {
    '@type': 'type.googleapis.com/google.rpc.Help',
    links: [
      {
        description: 'Learn more about Gemini API quotas',
        url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
      },
    ],
  },
  { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' },
];
const QUOTA_MESSAGE =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.';

async function failure(promise: Promise<unknown>): Promise<ModelAPIError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelAPIError);
  return error as ModelAPIError;
}

describe('HTTP errors keep Gemini’s meaning', () => {
  const cases: Array<{ name: string; status: number; body: string; kind: string }> = [
    {
      name: '429 RESOURCE_EXHAUSTED',
      status: 429,
      body: errorBody(429, 'RESOURCE_EXHAUSTED', QUOTA_MESSAGE, QUOTA_DETAILS),
      kind: 'rate_limit',
    },
    {
      name: '400 input token count exceeds the maximum',
      status: 400,
      body: errorBody(
        400,
        'INVALID_ARGUMENT',
        'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
      ),
      kind: 'context_length',
    },
    {
      name: '400 API key not valid',
      status: 400,
      body: errorBody(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com' },
        },
      ]),
      kind: 'auth',
    },
    {
      name: '400 malformed request',
      status: 400,
      body: errorBody(
        400,
        'INVALID_ARGUMENT',
        '* GenerateContentRequest.contents: contents is not specified\n',
      ),
      kind: 'bad_request',
    },
    {
      name: '401 UNAUTHENTICATED (Vertex bearer token)',
      status: 401,
      body: errorBody(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      ),
      kind: 'auth',
    },
    {
      name: '403 PERMISSION_DENIED',
      status: 403,
      body: errorBody(
        403,
        'PERMISSION_DENIED',
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      ),
      kind: 'auth',
    },
    {
      name: '404 NOT_FOUND',
      status: 404,
      body: errorBody(
        404,
        'NOT_FOUND',
        'models/gemini-9-ultra is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.',
      ),
      kind: 'not_found',
    },
    {
      name: '500 INTERNAL',
      status: 500,
      body: errorBody(
        500,
        'INTERNAL',
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      ),
      kind: 'server',
    },
    {
      name: '503 UNAVAILABLE overloaded',
      status: 503,
      body: errorBody(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'),
      kind: 'overloaded',
    },
  ];

  for (const { name, status, body, kind } of cases) {
    it(`${name} → ${kind}, for request and requestStream`, async () => {
      const server = await serve((_req, res) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
        res.end(body);
      });
      const model = modelAt(server.url);
      for (const call of [() => model.request(HELLO), () => model.requestStream(HELLO)]) {
        const error = await failure(call());
        expect(error).toBeInstanceOf(ModelHTTPError);
        expect((error as ModelHTTPError).statusCode).toBe(status);
        expect(error.kind).toBe(kind);
        expect((error as ModelHTTPError).body).toEqual(JSON.parse(body));
      }
    });
  }

  it('429: RetryInfo retryDelay gives retryAfterMs when no header says', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(errorBody(429, 'RESOURCE_EXHAUSTED', QUOTA_MESSAGE, QUOTA_DETAILS));
    });
    const error = (await failure(modelAt(server.url).request(HELLO))) as ModelHTTPError;
    expect(error.retryAfterMs).toBe(12_000);
  });

  it('429: a Retry-After header wins over the body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end(errorBody(429, 'RESOURCE_EXHAUSTED', QUOTA_MESSAGE, QUOTA_DETAILS));
    });
    const error = (await failure(modelAt(server.url).request(HELLO))) as ModelHTTPError;
    expect(error.retryAfterMs).toBe(3000);
  });

  it('429: retry-after-ms header, fractional RetryInfo otherwise', async () => {
    let withHeader = true;
    const server = await serve((_req, res) => {
      res.writeHead(429, withHeader ? { 'retry-after-ms': '250' } : {});
      res.end(
        errorBody(429, 'RESOURCE_EXHAUSTED', QUOTA_MESSAGE, [
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' },
        ]),
      );
    });
    const model = modelAt(server.url);
    expect(((await failure(model.request(HELLO))) as ModelHTTPError).retryAfterMs).toBe(250);
    withHeader = false;
    expect(((await failure(model.request(HELLO))) as ModelHTTPError).retryAfterMs).toBe(1500);
  });

  it('a closed port → network', async () => {
    const server = await serve(() => {});
    const url = server.url;
    await server.close();
    servers = [];
    const error = await failure(modelAt(url).request(HELLO));
    expect(error.kind).toBe('network');
    expect(error).not.toBeInstanceOf(ModelHTTPError);
  });
});

describe('malformed and broken bodies', () => {
  it('non-stream body that is not JSON → UnexpectedModelBehavior, kind server', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"candidates": [');
    });
    const error = await failure(modelAt(server.url).request(HELLO));
    expect(error).toBeInstanceOf(UnexpectedModelBehavior);
    expect(error.kind).toBe('server');
    expect((error as UnexpectedModelBehavior).body).toBe('{"candidates": [');
  });

  it('non-stream JSON of the wrong shape → UnexpectedModelBehavior', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"candidates": "none"}');
    });
    const error = await failure(modelAt(server.url).request(HELLO));
    expect(error).toBeInstanceOf(UnexpectedModelBehavior);
    expect(error.kind).toBe('server');
  });

  it('non-stream socket reset after half the JSON → network', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"candidates": [{"content": {"parts": [{"te');
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const error = await failure(modelAt(server.url).request(HELLO));
    expect(error.kind).toBe('network');
  });

  it('stream: malformed frame → UnexpectedModelBehavior, kind stream_error', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(sse(textChunk('Hi'), '{"candidates": ['));
    });
    const stream = await modelAt(server.url).requestStream(HELLO);
    const events: ModelResponseStreamEvent[] = [];
    const error = await failure(
      (async () => {
        for await (const event of stream) events.push(event);
      })(),
    );
    expect(error).toBeInstanceOf(UnexpectedModelBehavior);
    expect(error.kind).toBe('stream_error');
    expect(events.map((event) => event.kind)).toEqual(['part-start']);
  });

  it('stream: body ends without a finish reason → stream_error', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(sse(textChunk('Hel'), textChunk('lo')));
    });
    const stream = await modelAt(server.url).requestStream(HELLO);
    const error = await failure(drain(stream));
    expect(error.kind).toBe('stream_error');
    expect(error.message).toBe('Gemini stream ended before finishReason');
    expect(stream.get().parts).toEqual([{ partKind: 'text', content: 'Hello' }]);
    expect(stream.get().finishReason).toBeUndefined();
  });

  it('stream: socket reset after half a frame → network, after the first event', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse(textChunk('Hel')));
      res.write('data: {"candidates": [{"content": {"pa');
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const stream = await modelAt(server.url).requestStream(HELLO);
    const events: ModelResponseStreamEvent[] = [];
    const error = await failure(
      (async () => {
        for await (const event of stream) events.push(event);
      })(),
    );
    expect(error.kind).toBe('network');
    expect(events).toEqual([{ kind: 'part-start', index: 0, part: { partKind: 'text', content: 'Hel' } }]);
  });
});

async function drain(stream: AsyncIterable<ModelResponseStreamEvent>): Promise<ModelResponseStreamEvent[]> {
  const events: ModelResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('in-band error frames', () => {
  it('before the first token: 503 UNAVAILABLE → overloaded, no events', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        sse({
          error: {
            code: 503,
            message: 'The model is overloaded. Please try again later.',
            status: 'UNAVAILABLE',
          },
        }),
      );
    });
    const stream = await modelAt(server.url).requestStream(HELLO);
    const events: ModelResponseStreamEvent[] = [];
    const error = await failure(
      (async () => {
        for await (const event of stream) events.push(event);
      })(),
    );
    expect(error.kind).toBe('overloaded');
    expect(error.message).toBe(
      'Gemini reported an error (503 UNAVAILABLE): The model is overloaded. Please try again later.',
    );
    expect(events).toEqual([]);
  });

  it('after the first token: 500 INTERNAL → server, the text so far kept', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        sse(textChunk('Once upon'), {
          error: { code: 500, message: 'An internal error has occurred. Please retry.', status: 'INTERNAL' },
        }),
      );
    });
    const stream = await modelAt(server.url).requestStream(HELLO);
    const events: ModelResponseStreamEvent[] = [];
    const error = await failure(
      (async () => {
        for await (const event of stream) events.push(event);
      })(),
    );
    expect(error.kind).toBe('server');
    expect(error.message).toContain('An internal error has occurred');
    expect(events).toHaveLength(1);
    expect(stream.get().parts).toEqual([{ partKind: 'text', content: 'Once upon' }]);
  });

  it('RESOURCE_EXHAUSTED frame → rate_limit; context-length frame → context_length', async () => {
    const frames = [
      { error: { code: 429, message: QUOTA_MESSAGE, status: 'RESOURCE_EXHAUSTED' } },
      {
        error: {
          code: 400,
          message: 'The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).',
          status: 'INVALID_ARGUMENT',
        },
      },
    ];
    let next = 0;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(sse(frames[next++]));
    });
    const model = modelAt(server.url);
    expect((await failure(drain(await model.requestStream(HELLO)))).kind).toBe('rate_limit');
    expect((await failure(drain(await model.requestStream(HELLO)))).kind).toBe('context_length');
  });

  it('an error object in a 200 non-stream body is raised too', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(errorBody(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'));
    });
    expect((await failure(modelAt(server.url).request(HELLO))).kind).toBe('overloaded');
  });

  it('SAFETY after some text ends the stream normally with content_filter', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        sse(textChunk('Here is'), { ...textChunk(''), candidates: [{ finishReason: 'SAFETY', index: 0 }] }),
      );
    });
    const stream = await modelAt(server.url).requestStream(HELLO);
    await drain(stream);
    expect(stream.get()).toMatchObject({
      parts: [{ partKind: 'text', content: 'Here is' }],
      finishReason: 'content_filter',
      rawFinishReason: 'SAFETY',
    });
  });

  it('after the finish reason only a late usage update counts; a broken trailer is ignored', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        sse(
          textChunk('Done', 'STOP'),
          { usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 5 } },
          '{"broken',
        ),
      );
    });
    const stream = await modelAt(server.url).requestStream(HELLO);
    const events = await drain(stream);
    expect(events.map((event) => event.kind)).toEqual(['part-start', 'part-end']);
    expect(stream.get()).toMatchObject({
      parts: [{ partKind: 'text', content: 'Done' }],
      usage: { inputTokens: 2, outputTokens: 5 },
      finishReason: 'stop',
    });
  });

  it('a blocked prompt in a stream → content_filter before any event', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        sse({
          promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
          usageMetadata: { promptTokenCount: 4 },
        }),
      );
    });
    const error = await failure(drain(await modelAt(server.url).requestStream(HELLO)));
    expect(error.kind).toBe('content_filter');
    expect(error.message).toBe('Gemini blocked the prompt (PROHIBITED_CONTENT)');
  });
});

describe('abort and deadlines', () => {
  it('abort before headers: rejects with the reason, the server sees the socket close', async () => {
    const server = await serve(() => {});
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const call = modelAt(server.url).request(HELLO, { signal: controller.signal });
    await waitFor(() => server.socketClosed.length === 1);
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    await server.socketClosed[0];
  });

  it('abort after headers, before the first event', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
    });
    const controller = new AbortController();
    const reason = new Error('not needed any more');
    const stream = await modelAt(server.url).requestStream(HELLO, { signal: controller.signal });
    const iteration = drain(stream);
    setTimeout(() => controller.abort(reason), 10);
    await expect(iteration).rejects.toBe(reason);
    await server.socketClosed[0];
  });

  it('abort mid-stream: rejects with the reason after the first event', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse(textChunk('Hel')));
    });
    const controller = new AbortController();
    const reason = new Error('user pressed stop');
    const stream = await modelAt(server.url).requestStream(HELLO, { signal: controller.signal });
    const events: ModelResponseStreamEvent[] = [];
    const iteration = (async () => {
      for await (const event of stream) {
        events.push(event);
        controller.abort(reason);
      }
    })();
    await expect(iteration).rejects.toBe(reason);
    expect(events).toHaveLength(1);
    await server.socketClosed[0];
  });

  it('cancel() closes the upstream socket', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse(textChunk('Hel')));
    });
    const stream = await modelAt(server.url).requestStream(HELLO);
    for await (const _event of stream) break;
    stream.cancel();
    await server.socketClosed[0];
  });

  it('settings.timeout before headers → ModelAPIError kind timeout, not an AbortError', async () => {
    const server = await serve(() => {});
    const error = await failure(modelAt(server.url).request(HELLO, { timeout: 30 }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('Gemini call timed out after 30 ms');
    await server.socketClosed[0];
  });

  it('settings.timeout mid-stream → kind timeout from the iterator', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse(textChunk('Hel')));
    });
    const stream = await modelAt(server.url).requestStream(HELLO, { timeout: 40 });
    const error = await failure(drain(stream));
    expect(error.kind).toBe('timeout');
    await server.socketClosed[0];
  });

  it('the model default timeout is overridden by the call, and the caller’s settings are not changed', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(textChunk('ok', 'STOP')));
    });
    const model = new GoogleModel('gemini-2.5-flash', {
      provider: modelAt(server.url).provider,
      settings: { timeout: 1, temperature: 1 },
    });
    const settings = { timeout: 5_000 };
    const response = await model.request(HELLO, settings);
    expect(response.parts).toEqual([{ partKind: 'text', content: 'ok' }]);
    expect(settings).toEqual({ timeout: 5_000 });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}
