import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { ModelAPIError, ModelHTTPError } from '../../src/core/errors/index.ts';
import type { Transport } from '../../src/transport/upstream.ts';
import { TRANSPORTS } from './transports.ts';

let server: Server | undefined;
// Sockets closed by the current test's server: a fresh list per server, since an earlier server's
// sockets may close late, during the next test.
let closed: string[] = [];

async function serve(handler: (res: ServerResponse) => void): Promise<string> {
  const closedHere: string[] = [];
  closed = closedHere;
  server = createServer((req, res) => {
    req.resume();
    req.socket.on('close', () => closedHere.push(req.url ?? ''));
    handler(res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

const callOver =
  (transport: Transport) =>
  (url: string, extra: Partial<Parameters<Transport['postJson']>[0]> = {}) =>
    transport.postJson({
      url: `${url}/x`,
      headers: { 'content-type': 'application/json' },
      body: '{}',
      modelName: 'm',
      ...extra,
    });

describe.each(TRANSPORTS)('postJson over %s', (_name, transport) => {
  const call = callOver(transport);
  const { readBodyText } = transport;
  test('a 4xx/5xx becomes ModelHTTPError with the parsed body and lower-cased headers', async () => {
    const url = await serve((res) => {
      res.writeHead(429, { 'Retry-After': '1', 'content-type': 'application/json' });
      res.end('{"error":{"message":"Rate limit reached"}}');
    });
    const error = (await call(url).catch((e: unknown) => e)) as ModelHTTPError;
    expect(error).toBeInstanceOf(ModelHTTPError);
    expect(error.statusCode).toBe(429);
    expect(error.body).toEqual({ error: { message: 'Rate limit reached' } });
    expect(error.retryAfterMs).toBe(1000);
  });

  test('a non-JSON error body is kept as text', async () => {
    const url = await serve((res) => {
      res.writeHead(502);
      res.end('<html>Bad Gateway</html>');
    });
    const error = (await call(url).catch((e: unknown) => e)) as ModelHTTPError;
    expect(error.body).toBe('<html>Bad Gateway</html>');
    expect(error.kind).toBe('server');
  });

  test('connection refused → ModelAPIError kind network', async () => {
    const url = await serve(() => {});
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const error = (await call(url).catch((e: unknown) => e)) as ModelAPIError;
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });

  test('reset before headers → network; no headers before firstByteMs → timeout', async () => {
    const url = await serve((res) => res.socket?.destroy());
    expect(((await call(url).catch((e: unknown) => e)) as ModelAPIError).kind).toBe('network');
    await new Promise((resolve) => server!.close(resolve));
    const hang = await serve(() => {});
    const error = (await call(hang, { timeouts: { firstByteMs: 50 } }).catch(
      (e: unknown) => e,
    )) as ModelAPIError;
    expect(error.kind).toBe('timeout');
  });

  test('a body that stalls past idleMs → timeout; a body cut mid-way → network', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const response = await call(url, { timeouts: { idleMs: 50 } });
    const error = (await readBodyText(response, 'm').catch((e: unknown) => e)) as ModelAPIError;
    expect(error.kind).toBe('timeout');
    await new Promise((resolve) => {
      server!.closeAllConnections();
      server!.close(resolve);
    });
    const cut = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const cutError = (await readBodyText(await call(cut), 'm').catch((e: unknown) => e)) as ModelAPIError;
    expect(cutError).toBeInstanceOf(ModelAPIError);
    expect(cutError.kind).toBe('network');
  });

  test("the caller's abort rejects with its reason and closes the upstream socket", async () => {
    const url = await serve(() => {});
    const controller = new AbortController();
    const pending = call(url, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const reason = new Error('user went away');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toEqual(['/x']);
  });
});
