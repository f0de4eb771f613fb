/**
 * The least a Node proxy can do: read the body, post it to one upstream URL through an undici Pool, and
 * answer with the upstream's body. No parsing, validation, routing or metrics. Benchmarks measure it
 * beside a gateway as the floor: what the extra process and its two loopback hops cost on this machine,
 * whatever the gateway does.
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
        const text = await answer.body.text();
        res.writeHead(answer.statusCode, {
          'content-type': 'application/json',
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
