/**
 * A loopback server the runtime suites need besides the chaos upstreams and the refusing egress proxy
 * (test/support/egress-proxy.ts): a same-origin host for the browser page in front of a chaos server.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Serves `files` (path → [content type, body]) and forwards every other path to the upstream its first
 * segment names in `upstreams` (`/v1/...` → `upstreams.v1`), so a page and the APIs it calls share one
 * origin.
 */
export async function startPageHost(
  files: Record<string, [string, string]>,
  upstreams: Record<string, string>,
): Promise<Listening> {
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (file) {
      res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
      return;
    }
    const upstream = upstreams[(req.url ?? '').split('/')[1] ?? ''];
    if (upstream === undefined) {
      res.writeHead(404).end(`no upstream for ${req.url}`);
      return;
    }
    const target = new URL(upstream);
    const forward = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  return listen(server);
}
