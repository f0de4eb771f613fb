/**
 * A local Chat Completions host that answers each request with the next scripted reply (a JSON body, an
 * SSE stream or an HTTP error) and keeps every request body it received, so a test can both feed the
 * adapter a provider's documented answer and check what the adapter sent back in the next turn.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export type ScriptedReply =
  | { json: unknown; status?: number }
  /** Each value is one `data:` frame (objects are JSON-encoded); `[DONE]` is appended. */
  | { sse: unknown[] };

export interface ScriptedChatServer {
  /** `http://127.0.0.1:<port>/v1`, for `baseUrl`. */
  readonly baseUrl: string;
  /** Parsed JSON bodies of the requests received so far, oldest first. */
  readonly requests: unknown[];
  /** Queues replies, answered in order; a request with none queued gets a 500. */
  reply(...replies: ScriptedReply[]): void;
}

/**
 * Starts the server before the file's tests and closes it after them.
 *
 * @example
 * const server = useScriptedChatServer();
 * server.reply({ json: completion });
 * await inferModel('mistral:magistral-medium-latest', { baseUrl: server.baseUrl, env }).request(history);
 */
export function useScriptedChatServer(): ScriptedChatServer {
  const queue: ScriptedReply[] = [];
  const requests: unknown[] = [];
  let baseUrl = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      const next = queue.shift();
      if (!next) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'no reply scripted for this request' } }));
      } else if ('json' in next) {
        res.writeHead(next.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(next.json));
      } else {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const frame of [...next.sse, '[DONE]']) {
          res.write(`data: ${typeof frame === 'string' ? frame : JSON.stringify(frame)}\n\n`);
        }
        res.end();
      }
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    get baseUrl() {
      return baseUrl;
    },
    requests,
    reply: (...replies) => {
      queue.push(...replies);
    },
  };
}
