/**
 * Failure mapping against a local server that answers with OpenAI's real error bodies and headers, cuts
 * connections, sends error frames, stalls, and watches for the connection to close when we abort.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OpenAIChatModel } from '../../../src/adapters/openai-chat/model.ts';
import {
  ModelAPIError,
  ModelHTTPError,
  UnexpectedModelBehavior,
  UserError,
} from '../../../src/core/errors/index.ts';
import { type ModelMessage, type ModelResponseStreamEvent, userPrompt } from '../../../src/core/messages.ts';
import type { ModelSettings } from '../../../src/core/settings.ts';
import type { HttpTimeouts } from '../../../src/transport/client.ts';
import type { Provider } from '../../../src/transport/provider.ts';
import { localProvider } from '../../support/local-provider.ts';

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** Resolves when the client's TCP connection closes. */
  closed: Promise<void>;
  /** The request body as sent. */
  body: string;
}

type Handler = (exchange: Exchange) => void;

let server: Server;
let base: string;
let handler: Handler = ({ res }) => res.end();
let waiting: ((exchange: Exchange) => void) | undefined;
// One close watcher per keep-alive socket, however many requests it carries.
const socketClosed = new WeakMap<Socket, Promise<void>>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let closed = socketClosed.get(req.socket);
    if (!closed) {
      closed = new Promise<void>((resolve) => req.socket.once('close', () => resolve()));
      socketClosed.set(req.socket, closed);
    }
    const chunks: Buffer[] = [];
    req.on('data', (data: Buffer) => chunks.push(data));
    req.on('end', () => {
      const exchange = { req, res, closed, body: Buffer.concat(chunks).toString('utf8') };
      waiting?.(exchange);
      waiting = undefined;
      handler(exchange);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The next request the server receives. */
function nextExchange(): Promise<Exchange> {
  return new Promise((resolve) => {
    waiting = resolve;
  });
}

function modelFor(timeouts?: HttpTimeouts, url = base): OpenAIChatModel {
  const provider = localProvider(url, {
    name: 'openai',
    protocol: 'openai-chat',
    headers: { authorization: 'Bearer sk-test' },
    ...(timeouts ? { timeouts } : {}),
  });
  return new OpenAIChatModel('gpt-4o', { provider });
}

const messages: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('Hi')] }];

function respond(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return ({ res }) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

function sse(...frames: string[]): Handler {
  return ({ res }) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(frames.map((frame) => `data: ${frame}\n\n`).join(''));
  };
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

/** Iterates a stream to its end and returns the events seen and the error it threw. */
async function drain(settings?: ModelSettings, model = modelFor()) {
  const stream = await model.requestStream(messages, settings);
  const events: ModelResponseStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    return { events, error, stream };
  }
  return { events, error: undefined, stream };
}

const openAIError = (message: string, type: string, code: string | null, param: string | null = null) => ({
  error: { message, type, param, code },
});

describe('HTTP errors: real OpenAI bodies and headers → kind and retryAfterMs', () => {
  const cases: Array<[string, number, unknown, Record<string, string>, string, number | undefined]> = [
    [
      'rate limit with reset headers',
      429,
      openAIError(
        'Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Used 29500, Requested 800. Please try again in 6m0s.',
        'tokens',
        'rate_limit_exceeded',
      ),
      { 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' },
      'rate_limit',
      360_000,
    ],
    [
      'rate limit with retry-after',
      429,
      openAIError('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'),
      { 'retry-after': '20' },
      'rate_limit',
      20_000,
    ],
    [
      'rate limit with retry-after-ms',
      429,
      openAIError('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'),
      { 'retry-after-ms': '1500', 'retry-after': '2' },
      'rate_limit',
      1500,
    ],
    [
      'quota exhausted',
      429,
      openAIError(
        'You exceeded your current quota, please check your plan and billing details.',
        'insufficient_quota',
        'insufficient_quota',
      ),
      {},
      // No wait will refill a quota: classified like an auth failure so the engine falls back at once.
      'auth',
      undefined,
    ],
    [
      'server error',
      500,
      openAIError(
        'The server had an error while processing your request. Sorry about that!',
        'server_error',
        null,
      ),
      {},
      'server',
      undefined,
    ],
    [
      'engine overloaded',
      503,
      openAIError('The engine is currently overloaded, please try again later.', 'server_error', null),
      {},
      'overloaded',
      undefined,
    ],
    [
      '503 slow down',
      503,
      openAIError('Please reduce your rate of requests.', 'service_unavailable_error', 'slow_down'),
      {},
      'overloaded',
      undefined,
    ],
    [
      '502 from OpenRouter',
      502,
      { error: { code: 502, message: 'Provider returned error' } },
      {},
      'server',
      undefined,
    ],
    [
      'context length exceeded',
      400,
      openAIError(
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130563 tokens. Please reduce the length of the messages.",
        'invalid_request_error',
        'context_length_exceeded',
        'messages',
      ),
      {},
      'context_length',
      undefined,
    ],
    [
      'content policy',
      400,
      openAIError(
        'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
        'invalid_request_error',
        'content_policy_violation',
      ),
      {},
      'content_filter',
      undefined,
    ],
    [
      'prompt flagged',
      400,
      openAIError(
        'Invalid prompt: your prompt was flagged as potentially violating our usage policy.',
        'invalid_request_error',
        'invalid_prompt',
      ),
      {},
      'content_filter',
      undefined,
    ],
    [
      'bad api key',
      401,
      openAIError(
        'Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.',
        'invalid_request_error',
        'invalid_api_key',
      ),
      {},
      'auth',
      undefined,
    ],
    [
      'unsupported country',
      403,
      openAIError(
        'Country, region, or territory not supported',
        'request_forbidden',
        'unsupported_country_region_territory',
      ),
      {},
      'auth',
      undefined,
    ],
    [
      'unknown model',
      404,
      openAIError(
        'The model `gpt-9` does not exist or you do not have access to it.',
        'invalid_request_error',
        'model_not_found',
      ),
      {},
      'not_found',
      undefined,
    ],
  ];

  test.each(cases)('%s', async (_name, status, body, headers, kind, retryAfter) => {
    handler = respond(status, body, headers);
    const error = (await failure(modelFor().request(messages))) as ModelHTTPError;
    expect(error).toBeInstanceOf(ModelHTTPError);
    expect(error.statusCode).toBe(status);
    expect(error.kind).toBe(kind);
    expect(error.retryAfterMs).toBe(retryAfter);
    expect(error.body).toEqual(body);
  });

  test('a stream request rejects before any event on an HTTP error', async () => {
    handler = respond(429, openAIError('Rate limit reached', 'requests', 'rate_limit_exceeded'), {
      'retry-after-ms': '250',
    });
    const error = (await failure(modelFor().requestStream(messages))) as ModelHTTPError;
    expect(error).toBeInstanceOf(ModelHTTPError);
    expect([error.kind, error.retryAfterMs]).toEqual(['rate_limit', 250]);
  });
});

describe('transport failures', () => {
  test('connection refused → network', async () => {
    const closedServer = createServer();
    await new Promise<void>((resolve) => closedServer.listen(0, '127.0.0.1', resolve));
    const port = (closedServer.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closedServer.close(() => resolve()));
    const error = (await failure(
      modelFor(undefined, `http://127.0.0.1:${port}/v1`).request(messages),
    )) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });

  test('reset after half the JSON body → network', async () => {
    handler = ({ res }) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"chatcmpl-1","choices":[{"index":0,"mess');
      setTimeout(() => res.socket?.destroy(), 5);
    };
    const error = (await failure(modelFor().request(messages))) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error).not.toBeInstanceOf(UnexpectedModelBehavior);
    expect(error.kind).toBe('network');
  });

  test('reset after half the SSE → the iterator throws network after the first event', async () => {
    handler = ({ res }) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${chunk({ role: 'assistant', content: 'Hel' })}\n\ndata: {"id":"chatcmpl-1","cho`);
      setTimeout(() => res.socket?.destroy(), 5);
    };
    const { events, error } = await drain();
    expect(events).toEqual([{ kind: 'part-start', index: 0, part: { partKind: 'text', content: 'Hel' } }]);
    expect(error).toBeInstanceOf(ModelAPIError);
    expect((error as ModelAPIError).kind).toBe('network');
  });

  test('a body that goes silent past the idle timeout → timeout', async () => {
    handler = ({ res }) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${chunk({ content: 'Hel' })}\n\n`);
    };
    const { events, error } = await drain(undefined, modelFor({ idleMs: 50 }));
    expect(events).toHaveLength(1);
    expect((error as ModelAPIError).kind).toBe('timeout');
  });
});

describe('in-band failures', () => {
  test('an error frame before the first token → ModelAPIError with the provider message', async () => {
    handler = sse(
      JSON.stringify(
        openAIError(
          'The server had an error while processing your request. Sorry about that!',
          'server_error',
          null,
        ),
      ),
    );
    const { events, error } = await drain();
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(ModelAPIError);
    expect((error as ModelAPIError).kind).toBe('server');
    expect((error as Error).message).toBe(
      'gpt-4o: provider reported an error: The server had an error while processing your request. Sorry about that! (server_error)',
    );
  });

  test('an error frame after the first token (OpenRouter shape, with finish_reason error) → rate_limit', async () => {
    const frame = JSON.stringify({
      id: 'gen-1',
      object: 'chat.completion.chunk',
      model: 'openai/gpt-4o',
      error: { code: 429, message: 'Provider rate limited the request' },
      choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
    });
    handler = sse(chunk({ content: 'Hello' }), frame, '[DONE]');
    const { events, error, stream } = await drain();
    expect(events.map((e) => e.kind)).toEqual(['part-start']);
    expect((error as ModelAPIError).kind).toBe('rate_limit');
    expect((error as Error).message).toContain('Provider rate limited the request');
    expect(stream.get().parts).toEqual([{ partKind: 'text', content: 'Hello' }]);
  });

  test('an overloaded error frame → overloaded', async () => {
    handler = sse(
      chunk({ content: 'Hi' }),
      JSON.stringify({ error: { message: 'Overloaded', type: 'overloaded_error' } }),
    );
    const { error } = await drain();
    expect((error as ModelAPIError).kind).toBe('overloaded');
  });

  test('a stream that ends without [DONE] → stream_error', async () => {
    handler = sse(chunk({ content: 'Hi' }), chunk({}, 'stop'));
    const { events, error } = await drain();
    expect(events.map((e) => e.kind)).toEqual(['part-start']);
    expect(error).toBeInstanceOf(ModelAPIError);
    expect((error as ModelAPIError).kind).toBe('stream_error');
    expect((error as Error).message).toBe('gpt-4o: stream ended before [DONE]');
  });

  test('a malformed stream frame → UnexpectedModelBehavior stream_error', async () => {
    handler = sse(chunk({ content: 'Hi' }), '{"id": "chatcmpl-1", "choices": [', '[DONE]');
    const { error } = await drain();
    expect(error).toBeInstanceOf(UnexpectedModelBehavior);
    expect((error as UnexpectedModelBehavior).kind).toBe('stream_error');
    expect((error as UnexpectedModelBehavior).body).toBe('{"id": "chatcmpl-1", "choices": [');
  });

  test('a malformed JSON body → UnexpectedModelBehavior server', async () => {
    handler = respond(200, '{"id": "chatcmpl-1", "choices": [');
    const error = (await failure(modelFor().request(messages))) as UnexpectedModelBehavior;
    expect(error).toBeInstanceOf(UnexpectedModelBehavior);
    expect(error.kind).toBe('server');
  });

  test('a 200 body holding an error object → that error, classified', async () => {
    handler = respond(
      200,
      openAIError(
        "This model's maximum context length is 8192 tokens.",
        'invalid_request_error',
        'context_length_exceeded',
      ),
    );
    const error = (await failure(modelFor().request(messages))) as ModelAPIError;
    expect(error).not.toBeInstanceOf(UnexpectedModelBehavior);
    expect(error.kind).toBe('context_length');
  });

  test('a stream request answered with a JSON error body → that error', async () => {
    handler = respond(
      200,
      openAIError('The engine is currently overloaded, please try again later.', 'server_error', null),
    );
    const { events, error } = await drain();
    expect(events).toEqual([]);
    expect((error as ModelAPIError).kind).toBe('overloaded');
  });

  test('Groq puts stream usage in x_groq; DeepSeek reasoning_content streams as thinking', async () => {
    handler = sse(
      chunk({ role: 'assistant', reasoning_content: 'Think' }),
      chunk({ reasoning_content: 'ing.' }),
      chunk({ content: 'Done' }),
      JSON.stringify({
        id: 'chatcmpl-1',
        choices: [{ index: 0, delta: {}, finish_reason: 'length' }],
        x_groq: { usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8, queue_time: 0.01 } },
      }),
      '[DONE]',
    );
    const { events, error, stream } = await drain();
    expect(error).toBeUndefined();
    expect(events.map((e) => `${e.kind}:${e.index}`)).toEqual([
      'part-start:0',
      'part-delta:0',
      'part-start:1',
      'part-end:0',
      'part-end:1',
    ]);
    const result = stream.get();
    expect(result.parts).toEqual([
      { partKind: 'thinking', content: 'Thinking.', providerName: 'openai' },
      { partKind: 'text', content: 'Done' },
    ]);
    expect(result.usage).toEqual({
      inputTokens: 5,
      outputTokens: 3,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      details: {},
    });
    expect([result.finishReason, result.rawFinishReason]).toEqual(['length', 'length']);
  });
});

describe('abort and timeout', () => {
  const reason = new Error('caller gave up');

  test('abort before headers: the promise rejects with the reason; the server sees the connection close', async () => {
    handler = () => {}; // never answers
    const controller = new AbortController();
    const exchange = nextExchange();
    const pending = failure(modelFor().request(messages, { signal: controller.signal }));
    const { closed } = await exchange;
    controller.abort(reason);
    expect(await pending).toBe(reason);
    await closed;
  });

  test('abort after headers, before the first event', async () => {
    handler = ({ res }) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
    };
    const controller = new AbortController();
    const exchange = nextExchange();
    const stream = await modelFor().requestStream(messages, { signal: controller.signal });
    const { closed } = await exchange;
    const next = stream[Symbol.asyncIterator]().next();
    controller.abort(reason);
    await expect(next).rejects.toBe(reason);
    await closed;
  });

  test('abort mid-stream', async () => {
    handler = ({ res }) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${chunk({ content: 'Hel' })}\n\n`);
    };
    const controller = new AbortController();
    const exchange = nextExchange();
    const stream = await modelFor().requestStream(messages, { signal: controller.signal });
    const { closed } = await exchange;
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({
      kind: 'part-start',
      index: 0,
      part: { partKind: 'text', content: 'Hel' },
    });
    const next = iterator.next();
    controller.abort(reason);
    await expect(next).rejects.toBe(reason);
    await closed;
  });

  test('cancel() closes the upstream connection', async () => {
    handler = ({ res }) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${chunk({ content: 'Hel' })}\n\n`);
    };
    const exchange = nextExchange();
    const stream = await modelFor().requestStream(messages);
    const { closed } = await exchange;
    stream.cancel();
    await closed;
  });

  test('settings.timeout on a bare adapter → ModelAPIError timeout, not an AbortError', async () => {
    handler = () => {};
    const error = (await failure(modelFor().request(messages, { timeout: 40 }))) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('gpt-4o: no answer within the 40 ms timeout');
  });

  test('settings.timeout firing mid-stream → timeout from the iterator', async () => {
    handler = ({ res }) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${chunk({ content: 'Hel' })}\n\n`);
    };
    const { events, error } = await drain({ timeout: 60 });
    expect(events).toHaveLength(1);
    expect((error as ModelAPIError).kind).toBe('timeout');
  });
});

describe('settings and provider', () => {
  const completion = {
    id: 'chatcmpl-2',
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };

  test("the model's settings are overridden key by key; neither settings object is changed", async () => {
    handler = respond(200, completion);
    const defaults: ModelSettings = { temperature: 0, maxTokens: 10, extraHeaders: { 'x-team': 'a' } };
    const frozenDefaults = structuredClone(defaults);
    const provider: Provider = {
      name: 'groq',
      protocol: 'openai-chat',
      baseUrl: base,
      url: (path) => `${base}${path}`,
      headers: async () => ({ authorization: 'Bearer gsk' }),
    };
    const m = new OpenAIChatModel('llama-3.3-70b-versatile', { provider, settings: defaults });
    const callSettings: ModelSettings = { maxTokens: 20 };
    const exchange = nextExchange();
    const result = await m.request(messages, callSettings);
    const { req, body } = await exchange;
    expect(req.headers['x-team']).toBe('a');
    expect(req.headers.authorization).toBe('Bearer gsk');
    expect(JSON.parse(body)).toEqual({
      model: 'llama-3.3-70b-versatile',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: false,
      max_tokens: 20,
      temperature: 0,
    });
    expect(result.providerName).toBe('groq');
    expect(m.system).toBe('groq');
    expect(defaults).toEqual(frozenDefaults);
    expect(callSettings).toEqual({ maxTokens: 20 });
  });

  test('a missing key (UserError from the provider) is not turned into a network error', async () => {
    const provider: Provider = {
      name: 'openai',
      protocol: 'openai-chat',
      baseUrl: base,
      url: (path) => `${base}${path}`,
      headers: () => {
        throw new UserError('Set OPENAI_API_KEY');
      },
    };
    const error = await failure(new OpenAIChatModel('gpt-4o', { provider }).request(messages));
    expect(error).toBeInstanceOf(UserError);
    const streamError = await failure(new OpenAIChatModel('gpt-4o', { provider }).requestStream(messages));
    expect(streamError).toBeInstanceOf(UserError);
  });
});
