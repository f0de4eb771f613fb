/**
 * A recording forwarder for tests: put in front of an upstream (a chaos server), it passes every request
 * on and keeps the body, so a test can see what the gateway sent upstream.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Forwards to `target`, keeping every request body it passed on, with its path and headers. */
export interface Recorder {
  url: string;
  bodies: string[];
  requests: Array<{ path: string; headers: Record<string, string | string[] | undefined> }>;
  close(): Promise<void>;
}

export async function startRecorder(target: string): Promise<Recorder> {
  const bodies: string[] = [];
  const requests: Recorder['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      bodies.push(body.toString());
      requests.push({ path: req.url ?? '/', headers: req.headers });
      const upstream = http.request(
        new URL(req.url ?? '/', target),
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${new URL(target).pathname.replace(/\/$/, '')}`,
    bodies,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
