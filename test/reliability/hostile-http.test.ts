/**
 * Malformed HTTP against the gateway over raw TCP, the way an attacker (or a broken proxy) sends it:
 * request smuggling shapes, bad chunk sizes, huge headers, control characters, a slowloris client and a
 * thousand idle connections. Each gets a 4xx or a closed connection within seconds, and after each the
 * gateway still answers a normal request. No key ever reaches a log line or a response.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CLIENT_KEY,
  type HostileGateway,
  rawExchange,
  startHostileGateway,
  UPSTREAM_KEY,
} from './support/hostile-gateway.ts';

/** How long the gateway may take to give up on a client that never finishes its headers. */
const HEADERS_TIMEOUT_MS = 1000;
/** How long it may take to give up on a client whose body never arrives in full. */
const REQUEST_TIMEOUT_MS = 1500;

let target: HostileGateway;
const responses: string[] = [];

beforeAll(async () => {
  target = await startHostileGateway({
    headersTimeoutMs: HEADERS_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
});
afterAll(async () => {
  await target.close();
  for (const text of [...target.logs, ...responses]) {
    expect(text).not.toContain(UPSTREAM_KEY);
    expect(text).not.toContain(CLIENT_KEY);
  }
});

const auth = `Authorization: Bearer ${CLIENT_KEY}\r\n`;
const json = '{"model":"main","messages":[{"role":"user","content":"hi"}]}';

/** Raw requests that must be refused outright (a 4xx, or the connection closed without an answer). */
const MALFORMED: Array<[string, string]> = [
  [
    'Content-Length and Transfer-Encoding together (CL.TE smuggling)',
    `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
  ],
  [
    'two different Content-Length headers',
    `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Content-Length: ${json.length}\r\nContent-Length: 3\r\n\r\n${json}`,
  ],
  [
    'an obfuscated Transfer-Encoding',
    `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Transfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
  ],
  [
    'a chunk size that is not hex',
    `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Transfer-Encoding: chunked\r\n\r\nzz\r\n${json}\r\n0\r\n\r\n`,
  ],
  [
    'a chunk size far beyond the body limit',
    `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Transfer-Encoding: chunked\r\n\r\nfffffffffff\r\n${json}`,
  ],
  [
    'a negative Content-Length',
    `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Content-Length: -1\r\n\r\n${json}`,
  ],
  [
    'a control character in a header value',
    `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}X-Evil: a\u0001b\r\nContent-Length: ${json.length}\r\n\r\n${json}`,
  ],
  [
    'a bare CR inside a header value (response splitting attempt)',
    `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}X-Evil: a\rSet-Cookie: x=1\r\nContent-Length: ${json.length}\r\n\r\n${json}`,
  ],
  ['a header name with a space', `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Name: 1\r\n\r\n`],
  ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n'],
  ['64 KiB of headers', `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`],
  [
    'a thousand headers',
    `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n${Array.from({ length: 1000 }, (_, i) => `X-H${i}: ${i}\r\n`).join('')}\r\n`,
  ],
];

describe('malformed HTTP over a raw socket', () => {
  test.each(MALFORMED)(
    '%s → a 4xx or a closed connection, and the gateway keeps serving',
    async (_name, bytes) => {
      const exchange = await rawExchange(target.port, bytes, 3000);
      responses.push(exchange.text);
      const refused = exchange.status !== undefined && exchange.status >= 400 && exchange.status < 500;
      expect(refused || (exchange.closed && exchange.status === undefined)).toBe(true);
      expect(exchange.ms).toBeLessThan(3000);
      // Nothing smuggled behind the refused request was answered as a second response.
      expect(exchange.text.match(/HTTP\/1\.1 /g)?.length ?? 0).toBeLessThanOrEqual(1);
      const after = await target.normalRequest();
      expect(after.status).toBe(200);
    },
  );

  test('a well-formed chunked request is served (the refusals above are not a blanket ban)', async () => {
    const chunked = `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`;
    const exchange = await rawExchange(target.port, chunked, 3000);
    responses.push(exchange.text);
    expect(exchange.status).toBe(200);
    expect(exchange.text).toContain('"content":"echo: hi"');
  });
});

describe('slow and idle clients', () => {
  test('a slowloris client sending headers byte by byte is dropped within the headers timeout', async () => {
    const socket = net.connect(target.port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const started = performance.now();
    const closed = new Promise<number>((resolve) =>
      socket.once('close', () => resolve(performance.now() - started)),
    );
    const header = `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}X-Slow: ${'z'.repeat(200)}`;
    let sent = 0;
    // One byte every 20 ms: the request never completes, but the connection is never silent either.
    const drip = setInterval(() => {
      if (sent < header.length && !socket.destroyed) socket.write(header[sent++]!);
    }, 20);
    const served = target.normalRequest(); // the slow client must not block anyone else
    const closedAfterMs = await Promise.race([
      closed,
      new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), 8000)),
    ]);
    clearInterval(drip);
    socket.destroy();
    expect((await served).status).toBe(200);
    expect(sent).toBeGreaterThan(10);
    // Node checks header deadlines on an interval: allow the timeout plus one check and some slack.
    expect(closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS * 3 + 1000);
  });

  test('a thousand idle connections do not stop a normal request, and all close cleanly', async () => {
    const sockets: net.Socket[] = [];
    await Promise.all(
      Array.from(
        { length: 1000 },
        () =>
          new Promise<void>((resolve) => {
            const socket = net.connect(target.port, '127.0.0.1', () => resolve());
            socket.on('error', () => resolve());
            sockets.push(socket);
          }),
      ),
    );
    // Half of them start a request and stop mid-headers, the rest never send a byte.
    sockets.forEach((socket, i) => {
      if (i % 2 === 0) socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    });
    const started = performance.now();
    const served = await target.normalRequest();
    expect(served.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(2000);
    const streamed = await target.normalRequest('/v1/messages');
    expect(streamed.status).toBe(200);
    for (const socket of sockets) socket.destroy();
    const health = await fetch(`${target.gateway.url}/health`);
    expect(health.status).toBe(200);
    await health.text();
  });
});
