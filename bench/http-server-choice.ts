/**
 * Which HTTP server the gateway sits on: raw `node:http`, Hono (`@hono/node-server`) and Fastify, each
 * answering a JSON POST by parsing it and echoing it back, measured with the same open-loop load tool
 * (bench/load/open-loop.ts) in one run. Each server runs in its own child process, as the gateway would.
 * Frameworks that are not installed are reported as skipped.
 *
 * Run: node bench/http-server-choice.ts
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { runOpenLoop } from './load/open-loop.ts';

type ServerKind = 'node:http' | 'hono' | 'fastify';

const BODY = JSON.stringify({
  model: 'openai:gpt-4o',
  messages: [{ role: 'user', content: 'Say hello in one short sentence, please.' }],
  max_tokens: 50,
});

async function serve(kind: ServerKind): Promise<number> {
  if (kind === 'node:http') {
    const server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const text = JSON.stringify({ echo: parsed });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }
  if (kind === 'hono') {
    const { Hono } = await import(String('hono'));
    const { serve: honoServe } = await import(String('@hono/node-server'));
    const app = new Hono();
    app.post('/echo', async (c: { req: { json(): Promise<unknown> }; json(v: unknown): unknown }) =>
      c.json({ echo: await c.req.json() }),
    );
    return new Promise((resolve) => {
      honoServe({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: { port: number }) =>
        resolve(info.port),
      );
    });
  }
  const { default: Fastify } = await import(String('fastify'));
  const app = Fastify();
  app.post('/echo', async (request: { body: unknown }) => ({ echo: request.body }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app.server.address().port;
}

async function measure(kind: ServerKind): Promise<string> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', kind], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number | string>((resolve) =>
    child.once('message', (m) => resolve(m as number | string)),
  );
  if (typeof port === 'string') {
    child.kill();
    return `| ${kind} | skipped: ${port} | | | |`;
  }
  const url = `http://127.0.0.1:${port}/echo`;
  await runOpenLoop({ url, body: BODY, rate: 2000, durationMs: 1000 }); // warm-up
  const at1k = await runOpenLoop({ url, body: BODY, rate: 1000, durationMs: 4000 });
  const at4k = await runOpenLoop({ url, body: BODY, rate: 4000, durationMs: 4000 });
  child.kill();
  const f = (n: number) => n.toFixed(2);
  return `| ${kind} | ${f(at1k.p50Ms)} / ${f(at1k.p99Ms)} | ${f(at4k.p50Ms)} / ${f(at4k.p99Ms)} | ${Math.round(at4k.achievedRate)} | ${at4k.failed + at4k.unfinished} |`;
}

if (process.argv[2] === '--serve') {
  const kind = process.argv[3] as ServerKind;
  serve(kind).then(
    (port) => process.send?.(port),
    (error: unknown) =>
      process.send?.(error instanceof Error ? error.message.split('\n')[0]! : String(error)),
  );
} else {
  console.log(
    '| server | p50 / p99 ms at 1,000 req/s | p50 / p99 ms at 4,000 req/s | req/s achieved at 4,000 | failed |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const kind of ['node:http', 'hono', 'fastify'] as const) console.log(await measure(kind));
}
