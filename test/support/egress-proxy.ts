/**
 * A loopback HTTP proxy for tests that run a real program in a child process (Claude Code, Codex,
 * Gemini CLI, Bun, Deno): the in-process network guard cannot see a child's sockets, so the child is
 * pointed here with HTTP_PROXY / HTTPS_PROXY. Anything bound for a non-loopback host is refused and
 * recorded, and the test asserts the record is empty — a program that tries to phone home fails the test
 * loudly instead of timing out quietly. Loopback targets are tunnelled, for a client that sends even its
 * 127.0.0.1 traffic through the proxy.
 *
 * @example
 * const proxy = await startEgressProxy();
 * const env = isolatedEnv(proxy, { HOME: home });
 * // ... run the program with env ...
 * expect(proxy.refused).toEqual([]);
 * await proxy.close();
 */
import http from 'node:http';
import net from 'node:net';

export interface EgressProxy {
  /** `http://127.0.0.1:<port>`, for HTTP_PROXY and HTTPS_PROXY. */
  readonly url: string;
  /** Every refused destination, as `METHOD host:port`, in the order tried. */
  readonly refused: string[];
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;

export async function startEgressProxy(): Promise<EgressProxy> {
  const refused: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    // A plain-HTTP proxy request names the absolute URL in its request line.
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('egress proxy: expected an absolute URL');
      return;
    }
    if (!LOOPBACK.test(target.hostname)) {
      refused.push(`${req.method} ${target.host}`);
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`egress refused in a test: ${target.host}`);
      return;
    }
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const [host = '', port = '443'] = splitHostPort(req.url ?? '');
    if (!LOOPBACK.test(host)) {
      refused.push(`CONNECT ${host}:${port}`);
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function splitHostPort(authority: string): [string, string] {
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    return [authority.slice(1, end), authority.slice(end + 2) || '443'];
  }
  const colon = authority.lastIndexOf(':');
  return colon === -1 ? [authority, '443'] : [authority.slice(0, colon), authority.slice(colon + 1)];
}

/**
 * The environment for a real program under test: nothing inherited but PATH (so no key, proxy or
 * config of the machine's leaks in), every proxy variable spelling aimed at the egress proxy, loopback
 * exempt, and Node's own fetch told to honour them (NODE_USE_ENV_PROXY, Node ≥ 24).
 */
export function isolatedEnv(proxy: EgressProxy, extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HTTP_PROXY: proxy.url,
    HTTPS_PROXY: proxy.url,
    ALL_PROXY: proxy.url,
    http_proxy: proxy.url,
    https_proxy: proxy.url,
    all_proxy: proxy.url,
    NO_PROXY: '127.0.0.1,localhost,::1',
    no_proxy: '127.0.0.1,localhost,::1',
    NODE_USE_ENV_PROXY: '1',
    ...extra,
  };
}
