import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { ModelAPIError, ModelHTTPError } from '../../src/core/errors/index.ts';
import type { Transport } from '../../src/transport/upstream.ts';
import { TRANSPORTS } from './transports.ts';

const undici = TRANSPORTS[0][1];
const { closeUpstreamConnections, setUpstreamConnectionLimit } = undici;

let server: Server | undefined;
// Sockets closed by the current test's server (a fresh list per server: an earlier server's sockets may
// close late, during the next test).
let closed: string[] = [];
const received: Array<{ url: string; headers: IncomingMessage['headers']; body: string }> = [];

async function serve(handler: (res: ServerResponse, req: IncomingMessage) => void): Promise<string> {
  const closedHere: string[] = [];
  closed = closedHere;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => received.push({ url: req.url ?? '', headers: req.headers, body }));
    req.socket.on('close', () => closedHere.push(req.url ?? ''));
    handler(res, req);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  received.length = 0;
  await setUpstreamConnectionLimit(undefined);
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

const callOver =
  (transport: Transport) =>
  (url: string, extra: Partial<Parameters<Transport['postJsonForText']>[0]> = {}) =>
    transport.postJsonForText({
      url: `${url}/v1/chat/completions?api-version=1`,
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: '{"model":"m"}',
      modelName: 'm',
      ...extra,
    });

const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(TRANSPORTS)('postJsonForText over %s', (name, transport) => {
  const call = callOver(transport);
  test('sends path, query, headers and body; resolves with status, lower-cased headers and text', async () => {
    const url = await serve((res) => {
      res.setHeader('X-Request-Id', 'req_1');
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      // Two writes: the answer arrives in more than one chunk.
      res.write('{"id":"chatcmpl-1",');
      setTimeout(() => res.end('"object":"chat.completion"}'), 5);
    });
    const answer = await call(url);
    expect(answer.statusCode).toBe(200);
    expect(answer.text).toBe('{"id":"chatcmpl-1","object":"chat.completion"}');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['x-request-id']).toBe('req_1');
    expect(answer.headers['set-cookie']).toBe('a=1, b=2');
    expect(received).toEqual([
      {
        url: '/v1/chat/completions?api-version=1',
        headers: expect.objectContaining({ authorization: 'Bearer k', 'content-length': '13' }),
        body: '{"model":"m"}',
      },
    ]);
  });

  test('a multi-byte answer split across chunks decodes whole', async () => {
    const bytes = Buffer.from('{"content":"héllo → 世界"}');
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(bytes.subarray(0, 15)); // splits the two-byte é
      setTimeout(() => res.end(bytes.subarray(15)), 5);
    });
    expect((await call(url)).text).toBe('{"content":"héllo → 世界"}');
  });

  test('a 4xx/5xx rejects with ModelHTTPError carrying the parsed body and headers', async () => {
    const url = await serve((res) => {
      res.writeHead(429, { 'Retry-After': '2', 'content-type': 'application/json' });
      res.end('{"error":{"message":"Rate limit reached","type":"requests"}}');
    });
    const error = (await call(url).catch((e: unknown) => e)) as ModelHTTPError;
    expect(error).toBeInstanceOf(ModelHTTPError);
    expect(error.statusCode).toBe(429);
    expect(error.kind).toBe('rate_limit');
    expect(error.body).toEqual({ error: { message: 'Rate limit reached', type: 'requests' } });
    expect(error.retryAfterMs).toBe(2000);
  });

  test('a non-JSON error body is kept as text', async () => {
    const url = await serve((res) => {
      res.writeHead(502);
      res.end('<html>Bad Gateway</html>');
    });
    const error = (await call(url).catch((e: unknown) => e)) as ModelHTTPError;
    expect(error.statusCode).toBe(502);
    expect(error.body).toBe('<html>Bad Gateway</html>');
  });

  test('connection refused → ModelAPIError kind network naming the code', async () => {
    const url = await serve(() => {});
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const error = (await call(url).catch((e: unknown) => e)) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });

  test('no headers within firstByteMs → timeout; a stalled body past idleMs → timeout', async () => {
    const hang = await serve(() => {});
    const noHeaders = (await call(hang, { timeouts: { firstByteMs: 50 } }).catch(
      (e: unknown) => e,
    )) as ModelAPIError;
    expect(noHeaders.kind).toBe('timeout');
    expect(noHeaders.message).toContain(
      name === 'undici' ? 'UND_ERR_HEADERS_TIMEOUT' : 'no response headers within 50 ms',
    );
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    const stall = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const stalled = (await call(stall, { timeouts: { idleMs: 50 } }).catch(
      (e: unknown) => e,
    )) as ModelAPIError;
    expect(stalled.kind).toBe('timeout');
    expect(stalled.message).toContain(name === 'undici' ? 'UND_ERR_BODY_TIMEOUT' : 'no body data for 50 ms');
  });

  test('a body that keeps coming is never cut by idleMs, however long it takes in all', async () => {
    // 30 chunks 50 ms apart: 1.5 s in all against a 1 s idle limit, no gap near it.
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[0');
      let sent = 1;
      const timer = setInterval(() => {
        if (sent === 30) {
          clearInterval(timer);
          res.end(']');
          return;
        }
        res.write(`,${sent++}`);
      }, 50);
      res.on('close', () => clearInterval(timer));
    });
    const answer = await call(url, { timeouts: { idleMs: 1_000 } });
    expect(JSON.parse(answer.text)).toHaveLength(30);
  });

  test('a body cut short → network', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const error = (await call(url).catch((e: unknown) => e)) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('network');
  });

  test("the caller's abort rejects with its reason and closes the upstream socket", async () => {
    const url = await serve(() => {});
    const controller = new AbortController();
    const pending = call(url, { signal: controller.signal });
    await waitMs(20);
    const reason = new Error('user went away');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await waitMs(20);
    expect(closed).toEqual(['/v1/chat/completions?api-version=1']);
  });

  test('an already aborted signal rejects with its reason without connecting', async () => {
    const url = await serve((res) => res.end('{}'));
    const reason = new Error('too late');
    await expect(call(url, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await waitMs(10);
    expect(received).toEqual([]);
  });

  test('an abort after the answer has no effect (its listener is gone)', async () => {
    const url = await serve((res) => res.end('{"ok":true}'));
    const controller = new AbortController();
    expect((await call(url, { signal: controller.signal })).text).toBe('{"ok":true}');
    controller.abort(new Error('after the fact'));
    expect((await call(url)).text).toBe('{"ok":true}');
  });
});

// The pool is undici's: the fetch transport leaves pooling to the runtime that owns it.
describe('setUpstreamConnectionLimit (undici)', () => {
  const call = callOver(undici);
  test('by default 300 concurrent calls to one origin each get a connection', async () => {
    const pending: ServerResponse[] = [];
    const url = await serve((res) => pending.push(res));
    const calls = Array.from({ length: 300 }, () => call(url));
    for (let i = 0; i < 200 && pending.length < 300; i++) await waitMs(10);
    expect(pending.length).toBe(300);
    for (const res of pending) res.end('{}');
    expect((await Promise.all(calls)).length).toBe(300);
    await closeUpstreamConnections();
  });

  test('a limit queues calls beyond it until a connection is free', async () => {
    await setUpstreamConnectionLimit(2);
    const pending: ServerResponse[] = [];
    const url = await serve((res) => pending.push(res));
    const calls = Array.from({ length: 5 }, () => call(url));
    await waitMs(50);
    expect(pending.length).toBe(2);
    for (let i = 0; i < 40 && calls.length > 0; i++) {
      for (const res of pending.splice(0)) res.end('{"n":1}');
      await waitMs(10);
    }
    expect((await Promise.all(calls)).map((a) => a.text)).toEqual(Array(5).fill('{"n":1}'));
  });

  test('rejects a limit that is not a positive integer', async () => {
    await expect(setUpstreamConnectionLimit(0)).rejects.toThrow(RangeError);
    await expect(setUpstreamConnectionLimit(1.5)).rejects.toThrow(RangeError);
  });
});
