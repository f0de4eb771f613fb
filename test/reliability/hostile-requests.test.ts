/**
 * Requests the gateway must refuse before anything is forwarded, sent over a raw socket so the test
 * controls every byte and the Host header: a body that is not UTF-8 (400 naming the byte offset), a
 * model name with control characters (400 naming the field), a body not declared as JSON (415: the
 * cross-site POST a browser sends without a preflight), and a Host that is not a loopback name on a
 * loopback gateway (403: DNS rebinding). Each refusal is in the client's protocol, reaches no upstream,
 * records no attempt, and is counted in /metrics like any other client error.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { RequestFinished } from '../../src/gateway/index.ts';
import {
  BODY_LIMIT,
  CLIENT_KEY,
  type HostileGateway,
  rawExchange,
  startHostileGateway,
  UPSTREAM_KEY,
} from './support/hostile-gateway.ts';

type Path = '/v1/chat/completions' | '/v1/messages';

let target: HostileGateway;
const finished: RequestFinished[] = [];
const seen: string[] = [];

beforeAll(async () => {
  target = await startHostileGateway();
  target.gateway.events.on('request-finished', (record) => finished.push(record));
});
afterAll(async () => {
  await target.close();
  for (const text of [...target.logs, ...seen]) {
    expect(text).not.toContain(UPSTREAM_KEY);
    expect(text).not.toContain(CLIENT_KEY);
  }
});

interface RawRequest {
  method?: string;
  path: string;
  /** The Host header; null sends none. Default: this gateway's own `127.0.0.1:port`. */
  host?: string | null;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

interface RawAnswer {
  status: number | undefined;
  body: string;
}

/** One request written byte for byte on a fresh connection (HTTP/1.0 when it has no Host). */
async function send(request: RawRequest): Promise<RawAnswer> {
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  const host = request.host === undefined ? `127.0.0.1:${target.port}` : request.host;
  const lines = [`${request.method ?? 'POST'} ${request.path} HTTP/1.${host === null ? 0 : 1}`];
  if (host !== null) lines.push(`Host: ${host}`);
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`${name}: ${value}`);
  if (body) lines.push(`Content-Length: ${body.length}`);
  lines.push('Connection: close', '', '');
  const bytes = Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body ?? Buffer.alloc(0)]);
  const exchange = await rawExchange(target.port, bytes, 5000);
  const text = Buffer.from(exchange.text, 'latin1').toString('utf8');
  seen.push(text);
  const split = text.indexOf('\r\n\r\n');
  return { status: exchange.status, body: split === -1 ? '' : text.slice(split + 4) };
}

const json = { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` };

function chatBody(path: Path, model: unknown = 'main', extra: Record<string, unknown> = {}): string {
  const body: Record<string, unknown> = { model, messages: [{ role: 'user', content: 'hi' }], ...extra };
  if (path === '/v1/messages') body.max_tokens = 16;
  return JSON.stringify(body);
}

/** The error message, after checking the body is the error shape of the path's protocol. */
function errorMessage(path: Path, answer: RawAnswer): string {
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  if (path === '/v1/messages') {
    expect(body).toMatchObject({ type: 'error', error: { type: expect.any(String) } });
    return (body.error as { message: string }).message;
  }
  expect(body).toMatchObject({ error: { type: expect.any(String), code: expect.any(String) } });
  expect(answer.body).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return (body.error as { message: string }).message;
}

// Every refusal: nothing reached the upstream, and the request was recorded with no attempt and no usage.
let upstreamBefore = 0;
let finishedBefore = 0;
function expectNothingForwarded(status: number): void {
  expect(target.chaos.stats.requests).toBe(upstreamBefore);
  const records = finished.slice(finishedBefore);
  for (const record of records) {
    expect(record).toMatchObject({ status, attempts: [], servedModel: undefined, usage: undefined });
    expect(record.cost).toBeUndefined();
  }
}
function mark(): void {
  upstreamBefore = target.chaos.stats.requests;
  finishedBefore = finished.length;
}
afterEach(async () => {
  // The gateway still serves a plain request after each hostile one.
  expect((await target.normalRequest()).status).toBe(200);
});

const prefix = (path: Path) => Buffer.from(`${chatBody(path).slice(0, -1)},"note":"`);
const withBytes = (path: Path, ...bytes: number[]) =>
  Buffer.concat([prefix(path), Buffer.from(bytes), Buffer.from('"}')]);

describe('a body that is not UTF-8 → 400 naming the byte offset', () => {
  const cases: Array<[string, number[], string]> = [
    ['an invalid byte (0xFF)', [0xff], '0xFF: a byte that never appears in UTF-8'],
    ['an overlong encoding (0xC0 0xAF)', [0xc0, 0xaf], '0xC0: an overlong encoding'],
    ['an encoded lone surrogate (0xED 0xA0 0x80)', [0xed, 0xa0, 0x80], '0xED: an encoded surrogate'],
    ['a truncated multi-byte sequence (0xE2 0x82)', [0x41, 0xe2, 0x82], '0xE2: a truncated sequence'],
  ];
  for (const path of ['/v1/chat/completions', '/v1/messages'] as const) {
    test.each(cases)(`${path}: %s`, async (_name, bytes, reason) => {
      mark();
      const body = withBytes(path, ...bytes);
      const answer = await send({ path, headers: json, body });
      expect(answer.status).toBe(400);
      const badAt = prefix(path).length + (bytes[0] === 0x41 ? 1 : 0);
      expect(errorMessage(path, answer)).toContain(`not valid UTF-8 at byte offset ${badAt} (${reason}`);
      expectNothingForwarded(400);
    });
  }

  test('well-formed multi-byte text is still served as it was sent', async () => {
    const answer = await send({
      path: '/v1/chat/completions',
      headers: json,
      body: JSON.stringify({ model: 'main', messages: [{ role: 'user', content: 'é € 𝄞' }] }),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).choices[0].message.content).toBe('echo: é € 𝄞');
  });
});

describe('a model name with control characters → 400 naming the field', () => {
  const names: Array<[string, string]> = [
    ['NUL', 'main\u0000'],
    ['CR LF (a header or log line injected)', 'up:gpt-4o\r\nx-injected: 1'],
    ['LF', 'main\n'],
    ['ESC', '\u001b[31mmain'],
    ['DEL', 'main\u007f'],
  ];
  for (const path of ['/v1/chat/completions', '/v1/messages'] as const) {
    test.each(names)(`${path}: %s in model`, async (_name, model) => {
      mark();
      const answer = await send({ path, headers: json, body: chatBody(path, model) });
      expect(answer.status).toBe(400);
      expect(errorMessage(path, answer)).toMatch(
        /^Invalid request: model: must not contain control characters/,
      );
      if (path === '/v1/chat/completions') expect(JSON.parse(answer.body).error.param).toBe('model');
      expectNothingForwarded(400);
    });

    test(`${path}: a control character in a models[] entry`, async () => {
      mark();
      const body = chatBody(path, 'main', { models: ['up:gpt-4o', 'up:x\u0000y'] });
      const answer = await send({ path, headers: json, body });
      expect(answer.status).toBe(400);
      expect(errorMessage(path, answer)).toMatch(/^Invalid request: models\[1\]: must not contain control/);
      expectNothingForwarded(400);
    });
  }
});

describe('names from the config are held to the same rule when it is loaded', () => {
  const route = { models: ['up:gpt-4o'] };
  test.each([
    ['a route name', { routes: { 'main\r\nx': route } }],
    ['a model id in a route', { routes: { main: { models: ['up:gpt\u0000'] } } }],
    ['a client name', { clients: [{ name: 'app\n', sha256: 'a'.repeat(64) }] }],
    ["a client's route", { clients: [{ name: 'app', sha256: 'a'.repeat(64), routes: ['m\u001b'] }] }],
    ['a CORS origin', { server: { cors: ['https://a.example\r\nx-evil: 1'] } }],
  ])('%s', async (_name, config) => {
    await expect(target.gateway.reload(config)).rejects.toThrow(/must not contain control characters/);
  });
});

describe('a model name beyond ASCII is served, its x-understudy-model header percent-encoded', () => {
  // Node throws on a header character past U+00FF: the answer was lost after the upstream was paid.
  test.each([
    ['Latin-1', 'up:gpt-ø', 'up:gpt-%C3%B8'],
    ['CJK', 'up:模型', 'up:%E6%A8%A1%E5%9E%8B'],
    ['a line separator', 'up:a\u2028b', 'up:a%E2%80%A8b'],
  ])('%s', async (_name, model, header) => {
    for (const stream of [false, true]) {
      const answer = await send({
        path: '/v1/chat/completions',
        headers: json,
        body: chatBody('/v1/chat/completions', model, { stream }),
      });
      expect(answer.status).toBe(200);
      expect(seen.at(-1)).toContain(`x-understudy-model: ${header}\r\n`);
    }
  });
});

describe('a body not declared as application/json → 415 in the client protocol', () => {
  const refused: Array<[string, string | undefined]> = [
    ['text/plain (what a browser sends cross-site without a preflight)', 'text/plain'],
    ['text/plain with a charset', 'text/plain;charset=UTF-8'],
    ['no Content-Type at all', undefined],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=b'],
    ['a JSON-like type that is not JSON', 'application/jsonp'],
    ['JSON in another charset', 'application/json; charset=latin1'],
  ];
  for (const path of ['/v1/chat/completions', '/v1/messages'] as const) {
    test.each(refused)(`${path}: %s`, async (_name, contentType) => {
      mark();
      const headers: Record<string, string> = { authorization: `Bearer ${CLIENT_KEY}` };
      if (contentType) headers['content-type'] = contentType;
      const answer = await send({ path, headers, body: chatBody(path) });
      expect(answer.status).toBe(415);
      expect(errorMessage(path, answer)).toContain(
        "Send the JSON body with 'Content-Type: application/json'",
      );
      expectNothingForwarded(415);
    });
  }

  test('refused on its headers while the body is still coming: answered and closed, not drained', async () => {
    // 60 KB announced, 10 bytes sent: keeping the connection would mean reading the rest first.
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${CLIENT_KEY}\r\nContent-Type: text/plain\r\nContent-Length: 60000\r\n\r\n{"model":`;
    const exchange = await rawExchange(target.port, head, 3000);
    seen.push(exchange.text);
    expect(exchange.status).toBe(415);
    expect(exchange.text.toLowerCase()).toContain('connection: close');
    expect(exchange.closed).toBe(true);
    expect(exchange.ms).toBeLessThan(2000);
  });

  test.each([
    'application/json; charset=utf-8',
    'Application/JSON; Charset="UTF-8"',
    'application/json ;charset=utf8',
  ])('%s is served', async (contentType) => {
    const headers = { ...json, 'content-type': contentType };
    const answer = await send({ path: '/v1/messages', headers, body: chatBody('/v1/messages') });
    expect(answer.status).toBe(200);
  });
});

describe('a Host that is not a loopback name on a loopback gateway → 403 (DNS rebinding)', () => {
  const foreign = (port: number) => [
    `attacker.example:${port}`,
    'attacker.example',
    `localhost.attacker.example:${port}`,
    `127.0.0.1.nip.io:${port}`,
    `evil-localhost:${port}`,
    '127.0.0.256',
    `[::2]:${port}`,
    'localhost:80:80',
    '',
  ];

  test('on each chat protocol, in its own error shape, forwarding nothing', async () => {
    for (const host of foreign(target.port)) {
      for (const path of ['/v1/chat/completions', '/v1/messages'] as const) {
        mark();
        const answer = await send({ path, host, headers: json, body: chatBody(path) });
        expect(answer.status, host).toBe(403);
        expect(errorMessage(path, answer)).toContain('add it to server.allowedHosts');
        expectNothingForwarded(403);
        expect(finished.at(-1)?.errorKind).toBe('host_not_allowed');
      }
    }
  });

  test('on every other route too: the status page, /metrics, /health, /v1/models, a preflight', async () => {
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/metrics'],
      ['GET', '/health'],
      ['GET', '/v1/models'],
      ['OPTIONS', '/v1/chat/completions'],
    ] as const) {
      const answer = await send({ method, path, host: `attacker.example:${target.port}`, headers: json });
      expect(answer.status, path).toBe(403);
      expect(JSON.parse(answer.body).error.code).toBe('host_not_allowed');
    }
  });

  test('a request with no Host at all (HTTP/1.0) is refused', async () => {
    const answer = await send({ method: 'GET', path: '/health', host: null });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error.message).toMatch(/^The request has no Host header/);
  });

  test('loopback names are served, with or without a port', async () => {
    const port = target.port;
    for (const host of [
      `localhost:${port}`,
      'localhost',
      `LOCALHOST:${port}`,
      `app.localhost:${port}`,
      `127.0.0.1:${port}`,
      '127.0.0.1',
      `127.1.2.3:${port}`,
      `[::1]:${port}`,
      '[::1]',
    ]) {
      const answer = await send({ method: 'GET', path: '/health', host });
      expect(answer.status, host).toBe(200);
    }
    const chat = await send({
      path: '/v1/chat/completions',
      host: `localhost:${port}`,
      headers: json,
      body: chatBody('/v1/chat/completions'),
    });
    expect(chat.status).toBe(200);
  });

  test('server.allowedHosts adds names, and a reload takes them back', async () => {
    const config = (allowedHosts?: string[] | '*') => ({
      server: {
        bodyLimit: BODY_LIMIT,
        maxJsonDepth: 32,
        ...(allowedHosts === undefined ? {} : { allowedHosts }),
      },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: env references, as the config takes them
      providers: { up: { type: 'openai', baseUrl: target.chaos.url, apiKey: '${UP_KEY}' } },
      routes: { main: { models: ['up:gpt-4o'], breaker: false as const } },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: env references, as the config takes them
      clients: [{ name: 'app', key: '${CLIENT_KEY}' }],
    });
    const health = async (host: string) => (await send({ method: 'GET', path: '/health', host })).status;
    try {
      await target.gateway.reload(config(['gateway.internal', '.Example.Test']));
      expect(await health(`gateway.internal:${target.port}`)).toBe(200);
      expect(await health('example.test')).toBe(200);
      expect(await health(`api.example.test:${target.port}`)).toBe(200);
      expect(await health('other.internal')).toBe(403);
      expect(await health('notexample.test')).toBe(403);
      await target.gateway.reload(config('*'));
      expect(await health('anything.example')).toBe(200);
      await target.gateway.reload(config());
      expect(await health(`gateway.internal:${target.port}`)).toBe(403);
    } finally {
      await target.gateway.reload(config());
    }
  });

  test('a config entry that is not a host name is refused, saying what to write', async () => {
    await expect(
      target.gateway.reload({ server: { allowedHosts: ['https://x.example:8080'] } }),
    ).rejects.toThrow(/host name such as 'gateway.internal'/);
  });
});

describe('metrics count the refusals as they count other client errors', () => {
  test('requests_total by status and request_failures_total by kind, with no attempt', async () => {
    const metrics = async () => (await send({ method: 'GET', path: '/metrics' })).body;
    const count = (text: string, line: RegExp) => Number(line.exec(text)?.[1] ?? 0);
    const before = await metrics();
    const refusals: Array<[RawRequest, number, string]> = [
      [
        { path: '/v1/chat/completions', headers: { ...json, 'content-type': 'text/plain' }, body: '{}' },
        415,
        'unsupported_media_type',
      ],
      [
        { path: '/v1/messages', host: 'attacker.example', headers: json, body: '{}' },
        403,
        'host_not_allowed',
      ],
      [
        { path: '/v1/chat/completions', headers: json, body: withBytes('/v1/chat/completions', 0xff) },
        400,
        'invalid_json',
      ],
    ];
    for (const [request] of refusals) await send(request);
    const after = await metrics();
    for (const [request, status, kind] of refusals) {
      const api = request.path === '/v1/messages' ? 'anthropic' : 'openai';
      const requests = new RegExp(
        `understudy_requests_total\\{route="",api="${api}",status="${status}"\\} (\\d+)`,
      );
      expect(count(after, requests) - count(before, requests), `${status}`).toBe(1);
      const failures = new RegExp(
        `understudy_request_failures_total\\{route="",error_kind="${kind}"\\} (\\d+)`,
      );
      expect(count(after, failures) - count(before, failures), kind).toBeGreaterThanOrEqual(1);
    }
    const attempts = /understudy_attempts_total\{[^}]*\} (\d+)/g;
    const sum = (text: string) => [...text.matchAll(attempts)].reduce((n, m) => n + Number(m[1]), 0);
    // The metrics scrape itself made no attempt; only the normal requests between tests did.
    expect(sum(after)).toBe(sum(before));
  });
});
