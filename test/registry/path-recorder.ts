/**
 * A local server that records the path (and query) of every request and answers 404, for base-URL tests
 * of providers without an official client among the dev dependencies: what matters is where the request
 * went, not the answer.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PathRecorder {
  /** The origin, `http://127.0.0.1:PORT`. */
  url: string;
  /** The paths seen since the last call, in order; clears them. */
  takePaths(): string[];
  close(): Promise<void>;
}

export async function startPathRecorder(): Promise<PathRecorder> {
  let paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    req.resume();
    req.on('end', () => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"recorded","type":"not_found_error"}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    takePaths() {
      const taken = paths;
      paths = [];
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
