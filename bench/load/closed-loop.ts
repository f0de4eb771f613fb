/**
 * Maximum throughput: a closed-loop generator that keeps one request in flight on each of `connections`
 * keep-alive connections for a fixed time and counts the answers. It is as cheap as a client can be (raw
 * sockets, the request's bytes built once, answers counted by their framing, no HTTP client), so that on
 * a machine whose cores the generator shares with the servers, the servers are what is measured, not it.
 * Answers framed by `content-length` and by chunked encoding (Portkey's) are both counted.
 *
 * @example
 * const result = await runClosedLoop({ url, body, connections: 50, durationMs: 2000 });
 * console.log(result.perSecond, result.failed);
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { LoadTarget } from './open-loop.ts';

export interface ClosedLoopOptions extends LoadTarget {
  /** Connections, each with one request in flight at a time (default 50). */
  connections?: number;
  durationMs: number;
}

export interface ClosedLoopResult {
  /** Answers with status 200. */
  ok: number;
  /** Answers with another status, and requests lost with a broken connection. */
  failed: number;
  /** 200 answers per second over the run. */
  perSecond: number;
}

const HEAD_END = '\r\n\r\n';
const CHUNKED_END = '\r\n0\r\n\r\n';

/** Builds the request's bytes once: every send writes the same buffer. */
function requestBytes(target: LoadTarget): Buffer {
  const url = new URL(target.url);
  const head = [
    `POST ${url.pathname} HTTP/1.1`,
    `host: ${url.host}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(target.body)}`,
  ];
  for (const [name, value] of Object.entries(target.headers ?? {})) head.push(`${name}: ${value}`);
  return Buffer.from(`${head.join('\r\n')}${HEAD_END}${target.body}`);
}

/**
 * Length of the first whole answer at the start of `buffer`, or -1 while it is incomplete. Latin-1 text:
 * one character per byte, so lengths in the headers count characters.
 */
function answerLength(buffer: string): number {
  const headEnd = buffer.indexOf(HEAD_END);
  if (headEnd === -1) return -1;
  const head = buffer.slice(0, headEnd).toLowerCase();
  const length = /content-length: *(\d+)/.exec(head);
  if (length) {
    const total = headEnd + 4 + Number(length[1]);
    return buffer.length >= total ? total : -1;
  }
  if (head.includes('transfer-encoding: chunked')) {
    const end = buffer.indexOf(CHUNKED_END, headEnd);
    return end === -1 ? -1 : end + CHUNKED_END.length;
  }
  return headEnd + 4;
}

export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const url = new URL(options.url);
  const request = requestBytes(options);
  let ok = 0;
  let failed = 0;
  const startedAt = performance.now();
  const deadline = startedAt + options.durationMs;
  const sockets: Socket[] = [];
  await Promise.all(
    Array.from(
      { length: options.connections ?? 50 },
      () =>
        new Promise<void>((resolve) => {
          const socket = connect(Number(url.port), url.hostname);
          sockets.push(socket);
          socket.setNoDelay(true);
          let buffer = '';
          let inFlight = false;
          const send = (): void => {
            inFlight = true;
            socket.write(request);
          };
          socket.on('connect', send);
          socket.on('error', () => {
            if (inFlight) failed++;
            resolve();
          });
          socket.on('close', () => resolve());
          socket.on('data', (chunk: Buffer) => {
            buffer += chunk.toString('latin1');
            const length = answerLength(buffer);
            if (length === -1) return;
            if (buffer.startsWith('HTTP/1.1 200')) ok++;
            else failed++;
            buffer = buffer.slice(length);
            inFlight = false;
            if (performance.now() < deadline) send();
            else socket.end();
          });
        }),
    ),
  );
  const elapsedS = (performance.now() - startedAt) / 1000;
  for (const socket of sockets) socket.destroy();
  return { ok, failed, perSecond: ok / elapsedS };
}
