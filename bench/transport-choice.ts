/**
 * Why Node keeps undici behind the transport seam: the same whole-answer call (`postJsonForText`, a
 * 600-byte JSON answer from a loopback server in another process) through the undici transport and
 * through the fetch transport that every other runtime uses, alternated in short rounds so both share
 * the machine's noise. Reports the median round's per-call median and p99, and calls per second.
 *
 * Run: node bench/transport-choice.ts [--rounds 7] [--seconds 2]   (Node 24)
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fetchTransport } from '../src/transport/fetch-client.ts';
import { type Undici, undiciTransport } from '../src/transport/undici-client.ts';
import type { Transport } from '../src/transport/upstream.ts';

const ANSWER = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  model: 'gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content: 'x'.repeat(400) }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 100, total_tokens: 110 },
});

if (process.argv[2] === '--serve') {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(ANSWER));
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
} else {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '7' }, seconds: { type: 'string', default: '2' } },
  });
  const child = fork(fileURLToPath(import.meta.url), ['--serve']);
  const [port] = (await once(child, 'message')) as [number];
  const request = {
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] }),
    modelName: 'gpt-4o',
  };
  const transports: [string, Transport][] = [
    ['undici', undiciTransport(createRequire(import.meta.url)('undici') as Undici)],
    ['fetch', fetchTransport],
  ];

  async function round(transport: Transport, ms: number): Promise<number[]> {
    const times: number[] = [];
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const start = performance.now();
      await transport.postJsonForText(request);
      times.push((performance.now() - start) * 1000);
    }
    return times.sort((a, b) => a - b);
  }

  const at = (sorted: number[], q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
  const results = new Map<string, { p50: number; p99: number; perSecond: number }[]>();
  for (const [, transport] of transports) await round(transport, 500); // warm both up
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const [name, transport] of r % 2 === 0 ? transports : [...transports].reverse()) {
      const times = await round(transport, Number(values.seconds) * 1000);
      const rounds = results.get(name) ?? [];
      rounds.push({
        p50: at(times, 0.5),
        p99: at(times, 0.99),
        perSecond: times.length / Number(values.seconds),
      });
      results.set(name, rounds);
    }
  }
  console.log('| transport | per-call median µs | p99 µs | calls/s (one at a time) |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, rounds] of results) {
    const median = (pick: (x: (typeof rounds)[number]) => number) =>
      at(
        rounds.map(pick).sort((a, b) => a - b),
        0.5,
      );
    console.log(
      `| ${name} | ${median((x) => x.p50).toFixed(0)} | ${median((x) => x.p99).toFixed(0)} | ${median((x) => x.perSecond).toFixed(0)} |`,
    );
  }
  for (const [, transport] of transports) await transport.closeUpstreamConnections();
  child.kill();
}
