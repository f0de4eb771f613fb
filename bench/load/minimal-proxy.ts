/**
 * The floor (issue 17): the least a Node proxy can do. A `node:http` server reads the body, posts it to
 * one upstream URL with undici's `request()` over a keep-alive Pool, and writes status, content-type and
 * body back, parsing nothing. A streamed answer (`text/event-stream`) is relayed chunk by chunk as it
 * comes, so time to first token can be measured through it too. Benchmarks measure it beside a gateway:
 * what the extra process and its two loopback hops cost on this machine, whatever the gateway does.
 *
 * @example
 * const url = await startMinimalProxy('http://127.0.0.1:8080/v1/chat/completions');
 * // POST anything to `${url}/`: it goes to the upstream URL
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

/** Starts the proxy on a free loopback port; resolves with its URL. */
export async function startMinimalProxy(upstreamUrl: string): Promise<string> {
  const target = new URL(upstreamUrl);
  const pool = new Pool(target.origin);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      try {
        const answer = await pool.request({
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: Buffer.concat(chunks),
        });
        const type = String(answer.headers['content-type'] ?? 'application/json');
        if (type.startsWith('text/event-stream')) {
          res.writeHead(answer.statusCode, { 'content-type': type });
          for await (const chunk of answer.body) res.write(chunk);
          res.end();
          return;
        }
        const text = await answer.body.text();
        res.writeHead(answer.statusCode, {
          'content-type': type,
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
