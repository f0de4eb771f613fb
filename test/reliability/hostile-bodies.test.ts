/**
 * Hostile request bodies and headers to /v1/chat/completions and /v1/messages: property-based fuzzing
 * with fast-check (JSON of any shape, valid requests with fields of the wrong type or out of range,
 * random headers), and the named cases — oversized and deeply nested bodies, invalid UTF-8, wrong
 * content types, control characters, unknown fields. Every answer is a 200 or a 4xx in the client's own
 * protocol (never a 5xx, never a crash); the gateway serves a normal request after each case, and no
 * key appears in a response or a log line — even when the upstream echoes its key back.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway } from '../../src/gateway/index.ts';
import {
  BODY_LIMIT,
  CLIENT_KEY,
  type HostileGateway,
  startHostileGateway,
  UPSTREAM_KEY,
} from './support/hostile-gateway.ts';

const RUNS = 200;
let target: HostileGateway;
const seen: string[] = [];

beforeAll(async () => {
  target = await startHostileGateway();
});
afterAll(async () => {
  await target.close();
  for (const text of [...target.logs, ...seen]) {
    expect(text).not.toContain(UPSTREAM_KEY);
    expect(text).not.toContain(CLIENT_KEY);
  }
});

type Path = '/v1/chat/completions' | '/v1/messages';

async function post(
  path: Path,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${target.gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}`, ...headers },
    body,
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  seen.push(text);
  return { status: response.status, text };
}

/** A 200, or a 4xx whose body is the error shape of the path's protocol. */
function expectAnsweredInProtocol(path: Path, { status, text }: { status: number; text: string }): void {
  if (status === 200) return;
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  const body = JSON.parse(text) as Record<string, unknown>;
  if (path === '/v1/messages') {
    expect(body.type).toBe('error');
    expect(body.error).toMatchObject({ type: expect.any(String), message: expect.any(String) });
  } else {
    expect(body.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
  }
  expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // never a stack trace
}

const paths = fc.constantFrom<Path>('/v1/chat/completions', '/v1/messages');

/** A valid request of either protocol, then one field replaced by anything at all. */
const damagedRequest = fc
  .record({
    field: fc.constantFrom(
      'model',
      'messages',
      'max_tokens',
      'temperature',
      'top_p',
      'n',
      'stream',
      'stop',
      'tools',
      'tool_choice',
      'system',
      'models',
      'stream_options',
      'metadata',
    ),
    value: fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(-1, 0, 1e6, 1e308, -1e308, 2 ** 53 + 1, 0.5, '', 'x'.repeat(10_000), null, [], {}),
    ),
  })
  .map(({ field, value }) => ({ field, value }));

describe('property-based fuzzing', () => {
  test('any JSON value as the body → 200 or a 4xx in the protocol', async () => {
    await fc.assert(
      fc.asyncProperty(paths, fc.jsonValue({ maxDepth: 4 }), async (path, value) => {
        expectAnsweredInProtocol(path, await post(path, JSON.stringify(value)));
      }),
      { numRuns: RUNS, seed: 1 },
    );
  });

  test('a valid request with one field of the wrong type or out of range → 200 or a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(paths, damagedRequest, async (path, { field, value }) => {
        const body: Record<string, unknown> = {
          model: 'main',
          max_tokens: 16,
          messages: [{ role: 'user', content: 'hello' }],
        };
        body[field] = value;
        expectAnsweredInProtocol(path, await post(path, JSON.stringify(body)));
      }),
      { numRuns: RUNS, seed: 2 },
    );
  });

  test('random extra headers never break a valid request', async () => {
    const token = fc.stringMatching(/^x-[a-z0-9-]{1,20}$/);
    const value = fc.stringMatching(/^[\x20-\x7e]{0,200}$/);
    await fc.assert(
      fc.asyncProperty(paths, fc.dictionary(token, value, { maxKeys: 10 }), async (path, headers) => {
        const body = { model: 'main', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] };
        const result = await post(path, JSON.stringify(body), headers);
        expect(result.status).toBe(200);
      }),
      { numRuns: RUNS, seed: 3 },
    );
  });
});

describe('named hostile bodies', () => {
  const cases: Array<[string, Path, string | Uint8Array, Record<string, string>, number | 'ok-or-4xx']> = [
    [
      'a body over the limit',
      '/v1/chat/completions',
      `{"model":"main","x":"${'a'.repeat(BODY_LIMIT + 10)}"}`,
      {},
      413,
    ],
    [
      'a body over the limit (anthropic)',
      '/v1/messages',
      `{"model":"main","x":"${'a'.repeat(BODY_LIMIT + 10)}"}`,
      {},
      413,
    ],
    [
      'JSON nested 10,000 deep',
      '/v1/chat/completions',
      `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      {},
      400,
    ],
    [
      'JSON nested 10,000 deep (anthropic)',
      '/v1/messages',
      `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
      {},
      400,
    ],
    ['an empty body', '/v1/chat/completions', '', {}, 400],
    ['a body that is not JSON', '/v1/messages', 'model=main&messages=hi', {}, 400],
    [
      'invalid UTF-8 inside a message',
      '/v1/chat/completions',
      Buffer.concat([
        Buffer.from('{"model":"main","messages":[{"role":"user","content":"bad '),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
        Buffer.from('"}]}'),
      ]),
      {},
      400,
    ],
    [
      'a text/plain content type',
      '/v1/chat/completions',
      '{"model":"main","messages":[{"role":"user","content":"hi"}]}',
      { 'content-type': 'text/plain' },
      415,
    ],
    [
      'a multipart content type',
      '/v1/messages',
      '--b\r\n\r\nx\r\n--b--',
      { 'content-type': 'multipart/form-data; boundary=b' },
      415,
    ],
    [
      'negative max_tokens',
      '/v1/chat/completions',
      '{"model":"main","max_tokens":-5,"messages":[{"role":"user","content":"hi"}]}',
      {},
      400,
    ],
    [
      'negative max_tokens (anthropic)',
      '/v1/messages',
      '{"model":"main","max_tokens":-5,"messages":[{"role":"user","content":"hi"}]}',
      {},
      400,
    ],
    [
      'n of a million',
      '/v1/chat/completions',
      '{"model":"main","n":1000000,"messages":[{"role":"user","content":"hi"}]}',
      {},
      400,
    ],
    ['messages as a string', '/v1/chat/completions', '{"model":"main","messages":"hi"}', {}, 400],
    [
      'temperature as a word',
      '/v1/messages',
      '{"model":"main","max_tokens":5,"temperature":"hot","messages":[{"role":"user","content":"hi"}]}',
      {},
      400,
    ],
    [
      'an unknown model',
      '/v1/chat/completions',
      '{"model":"nobody:nothing","messages":[{"role":"user","content":"hi"}]}',
      {},
      'ok-or-4xx',
    ],
    [
      'a model id that is a URL',
      '/v1/chat/completions',
      '{"model":"http://evil.example/v1","messages":[{"role":"user","content":"hi"}]}',
      {},
      'ok-or-4xx',
    ],
  ];

  test.each(cases)('%s', async (_name, path, body, headers, expected) => {
    const result = await post(path, body, headers);
    if (expected === 'ok-or-4xx') expectAnsweredInProtocol(path, result);
    else {
      expect(result.status).toBe(expected);
      expectAnsweredInProtocol(path, result);
    }
    expect((await target.normalRequest()).status).toBe(200);
  });

  test('control characters in strings are carried, not choked on', async () => {
    const content = 'a\u0000b\u0001c\u001bd\u007fe\u2028f\ud800g';
    const result = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'main', messages: [{ role: 'user', content }] }),
    );
    expect(result.status).toBe(200);
    expect(JSON.parse(result.text).choices[0].message.content).toContain('a\u0000b\u0001c');
  });

  test('unknown extra fields are ignored or passed on, as OpenAI-compatible clients expect', async () => {
    const chat = await post(
      '/v1/chat/completions',
      JSON.stringify({
        model: 'main',
        messages: [{ role: 'user', content: 'hi', name: 'x', extra_part_field: 1 }],
        user: 'u1',
        service_tier: 'auto',
        some_future_option: { deep: [1, 2, 3] },
      }),
    );
    expect(chat.status).toBe(200);
    expect(JSON.parse(chat.text).choices[0].message.content).toBe('echo: hi');
    const messages = await post(
      '/v1/messages',
      JSON.stringify({
        model: 'main',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
        a_new_field: true,
      }),
    );
    expect(messages.status).toBe(200);
    expect(JSON.parse(messages.text).content[0].text).toBe('echo: hi');
  });

  test('a request without the client key is a 401 that does not name the key', async () => {
    const result = await post('/v1/chat/completions', '{"model":"main","messages":[]}', {
      authorization: 'Bearer sk-wrong-key-0000000',
    });
    expect(result.status).toBe(401);
    expectAnsweredInProtocol('/v1/chat/completions', result);
  });
});

describe('an upstream that echoes the key it was sent', () => {
  test('the echoed key is masked in the response to the client and in the logs', async () => {
    // A hostile or careless upstream: its 401 body quotes the Authorization header in full.
    const upstream = createServer((req, res) => {
      req.resume();
      const body = JSON.stringify({
        error: {
          message: `Incorrect API key provided: ${String(req.headers.authorization)}`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      });
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const logs: string[] = [];
    const gateway = await startGateway({
      port: 0,
      log: (line) => logs.push(line),
      env: { UP_KEY: UPSTREAM_KEY },
      config: {
        providers: {
          up: {
            type: 'openai',
            baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`,
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an env reference, as the config takes it
            apiKey: '${UP_KEY}',
          },
        },
        routes: { main: { models: ['up:gpt-4o'], breaker: false } },
      },
    });
    try {
      for (const path of ['/v1/chat/completions', '/v1/messages'] as const) {
        const response = await fetch(`${gateway.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'main', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
        });
        const text = await response.text();
        expect(response.status).toBe(502);
        expect(text).toContain('Incorrect API key provided');
        expect(text).not.toContain('SECRET123');
      }
      for (const line of logs) expect(line).not.toContain('SECRET123');
    } finally {
      await gateway.close();
      upstream.closeAllConnections();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });
});
