/**
 * How many small non-streaming requests per second one chaos upstream serves. A closed-loop load
 * generator (undici `Pool`, keep-alive connections with HTTP/1.1 pipelining) keeps a fixed number of
 * requests in flight for a fixed time on loopback and counts the answers.
 *
 * Two set-ups, because the generator needs CPU too: `in-process` (server and generator share one
 * event loop — a floor) and `separate` (the server alone in a child process, on its own core).
 *
 * Run: node bench/chaos-throughput.ts [--protocol openai|openai-responses|anthropic|gemini|bedrock|all] [--seconds 5]
 *      [--connections 32] [--pipelining 8] [--mode separate|in-process|both]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import type { ChaosProtocol } from '../src/chaos/protocols/protocol.ts';
import { startChaosServer } from '../src/chaos/server.ts';

const { values } = parseArgs({
  options: {
    protocol: { type: 'string', default: 'all' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    pipelining: { type: 'string', default: '8' },
    mode: { type: 'string', default: 'both' },
    client: { type: 'string', default: 'raw' },
    serve: { type: 'string' },
  },
});

const REQUESTS: Record<ChaosProtocol, { path: string; headers: Record<string, string>; body: string }> = {
  openai: {
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] }),
  },
  anthropic: {
    path: '/v1/messages',
    headers: { 'content-type': 'application/json', 'x-api-key': 'bench', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Say hello.' }],
    }),
  },
  gemini: {
    path: '/v1beta/models/gemini-2.5-flash:generateContent',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'bench' },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Say hello.' }] }] }),
  },
  'openai-responses': {
    path: '/v1/responses',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    body: JSON.stringify({ model: 'gpt-4o-mini', input: 'Say hello.' }),
  },
  bedrock: {
    path: '/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse',
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
    body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Say hello.' }] }] }),
  },
};

// Child mode: serve one protocol and print the origin, until killed.
if (values.serve) {
  const server = await startChaosServer({ protocol: values.serve as ChaosProtocol });
  process.stdout.write(`${new URL(server.url).origin}\n`);
  // The parent asks for CPU time used so far (a line on stdin) to compute the server's CPU share.
  process.stdin.on('data', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${user + system}\n`);
  });
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
} else {
  await main();
}

async function main(): Promise<void> {
  const protocols: ChaosProtocol[] =
    values.protocol === 'all' ? ['openai', 'anthropic', 'gemini'] : [values.protocol as ChaosProtocol];
  const modes = values.mode === 'both' ? ['separate', 'in-process'] : [values.mode!];
  const seconds = Number(values.seconds);
  process.stdout.write(
    `node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; ${seconds} s per run, ` +
      `${values.connections} connections x ${values.pipelining} pipelined\n`,
  );
  for (const mode of modes) {
    for (const protocol of protocols) {
      const { origin, stop, cpuMicros } =
        mode === 'separate' ? await serveInChild(protocol) : await serveHere(protocol);
      const run = values.client === 'undici' ? load : loadRaw;
      await run(origin, protocol, 1); // warm-up: JIT, connections
      const cpuBefore = await cpuMicros();
      const result = await run(origin, protocol, seconds);
      const cpuShare = (await cpuMicros()) - cpuBefore;
      await stop();
      const share = cpuShare / (result.seconds * 1e6);
      const capacity =
        mode === 'separate'
          ? `, server CPU ${(share * 100).toFixed(0)}% of one core → ${fmt(result.perSecond / share)} req/s per core`
          : '';
      process.stdout.write(
        `${mode.padEnd(10)} ${protocol.padEnd(9)} ${fmt(result.perSecond).padStart(8)} req/s` +
          `  (${result.ok} ok, ${result.failed} failed${capacity})\n`,
      );
    }
  }
}

function fmt(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

async function serveHere(protocol: ChaosProtocol) {
  const server = await startChaosServer({ protocol });
  return { origin: new URL(server.url).origin, stop: () => server.close(), cpuMicros: async () => 0 };
}

async function serveInChild(protocol: ChaosProtocol) {
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', protocol], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: ((line: string) => void)[] = [];
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      lines.shift()?.(line);
    }
  });
  const nextLine = () => new Promise<string>((resolve) => lines.push(resolve));
  const origin = await nextLine();
  const cpuMicros = async () => {
    const line = nextLine();
    child.stdin!.write('cpu\n');
    return Number(await line);
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { origin, stop, cpuMicros };
}

async function load(origin: string, protocol: ChaosProtocol, seconds: number) {
  const connections = Number(values.connections);
  const pipelining = Number(values.pipelining);
  const pool = new Pool(origin, { connections, pipelining, keepAliveTimeout: 30_000 });
  const { path, headers, body } = REQUESTS[protocol];
  let ok = 0;
  let failed = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  async function worker(): Promise<void> {
    while (performance.now() < deadline) {
      try {
        const response = await pool.request({ origin, path, method: 'POST', headers, body });
        await response.body.dump();
        if (response.statusCode === 200) ok++;
        else failed++;
      } catch {
        failed++;
      }
    }
  }
  await Promise.all(Array.from({ length: connections * pipelining }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  return { ok, failed, perSecond: ok / elapsed, seconds: elapsed };
}

/**
 * The cheapest possible generator, so the server is what is measured: raw sockets, the request bytes
 * built once, `pipelining` requests in flight per connection, responses counted by framing
 * (headers, then content-length bytes) without an HTTP client.
 */
async function loadRaw(origin: string, protocol: ChaosProtocol, seconds: number) {
  const { hostname, port } = new URL(origin);
  const { path, headers, body } = REQUESTS[protocol];
  const head = [
    `POST ${path} HTTP/1.1`,
    `host: ${hostname}:${port}`,
    `content-length: ${Buffer.byteLength(body)}`,
  ];
  for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
  const request = Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`);
  const connections = Number(values.connections);
  const pipelining = Number(values.pipelining);
  let ok = 0;
  let failed = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<void>((resolve) => {
          const socket = connect(Number(port), hostname);
          let buffer = '';
          let inFlight = 0;
          const send = (count: number) => {
            inFlight += count;
            socket.write(count === 1 ? request : Buffer.concat(Array(count).fill(request)));
          };
          socket.on('connect', () => send(pipelining));
          socket.on('error', () => {
            failed += inFlight;
            resolve();
          });
          socket.on('close', () => resolve());
          socket.on('data', (chunk: Buffer) => {
            buffer += chunk.toString('latin1');
            let done = 0;
            for (;;) {
              const headerEnd = buffer.indexOf('\r\n\r\n');
              if (headerEnd === -1) break;
              const match = /content-length: *(\d+)/i.exec(buffer.slice(0, headerEnd));
              const total = headerEnd + 4 + (match ? Number(match[1]) : 0);
              if (buffer.length < total) break;
              if (buffer.startsWith('HTTP/1.1 200')) ok++;
              else failed++;
              buffer = buffer.slice(total);
              done++;
            }
            inFlight -= done;
            if (performance.now() < deadline) {
              if (done > 0) send(done);
            } else if (inFlight === 0) socket.end();
          });
        }),
    ),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { ok, failed, perSecond: ok / elapsed, seconds: elapsed };
}
