/**
 * The gateway's instructions per streamed token, counted by valgrind's callgrind: the same streams as
 * bench/stream-cost.ts (a chaos OpenAI upstream answering 20 or 500 tokens of filler, relayed as Chat
 * Completions chunks), with the gateway process run under callgrind. Instruction counts do not move with
 * the machine's load the way CPU time does on a shared 2-core VM, so two versions of the code can be
 * compared in runs minutes apart: the counters are zeroed after a warm-up, each length is streamed
 * `--streams` times one at a time, and (long − short) / (streams × 480) is what each further token costs.
 * `--root <checkout>` measures another checkout's gateway (its own bench/stream-cost.ts serves it).
 * Slow: the gateway runs some 50× slower under callgrind (about two minutes).
 *
 * Run: node bench/stream-instructions.ts [--streams 60] [--root <checkout>]      (Node 24, valgrind)
 */
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';

const { values } = parseArgs({
  options: { streams: { type: 'string', default: '60' }, root: { type: 'string' } },
});
const streams = Number(values.streams);
const script = values.root
  ? resolve(values.root, 'bench/stream-cost.ts')
  : fileURLToPath(new URL('./stream-cost.ts', import.meta.url));
const SHORT = 20;
const LONG = 500;

const outDir = mkdtempSync(`${tmpdir()}/stream-instructions-`);
const upstream = fork(script, ['--upstream'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [{ url: upstreamUrl }] = (await once(upstream, 'message')) as [{ url: string }];
const gateway = fork(script, ['--gateway', upstreamUrl], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  execPath: 'valgrind',
  // --smc-check: V8 writes and rewrites machine code on the heap; callgrind must see those writes.
  execArgv: [
    '--tool=callgrind',
    '--smc-check=all-non-file',
    `--callgrind-out-file=${outDir}/callgrind.out`,
    process.execPath,
    // No compiler or GC threads working beside the main thread: their instructions would count too, at
    // moments that vary from run to run.
    '--single-threaded',
  ],
});
const [{ url: gatewayUrl }] = (await once(gateway, 'message')) as [{ url: string }];

const agent = new Agent();
const stream = async (model: string) => {
  const body = JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'go' }] });
  const response = await request(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    dispatcher: agent,
  });
  if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
  await response.body.text();
};
const control = (flag: string) => execFileSync('callgrind_control', [flag, String(gateway.pid)]);
/** Instructions the gateway ran while `count` streams of `model` went through it, one at a time. */
const measure = async (model: string, count: number): Promise<number> => {
  control('--zero');
  for (let i = 0; i < count; i++) await stream(model);
  const before = new Set(readdirSync(outDir));
  control('--dump');
  const dumped = readdirSync(outDir).find((name) => !before.has(name))!;
  const totals = /^(?:summary|totals): (\d+)/m.exec(readFileSync(`${outDir}/${dumped}`, 'utf8'));
  return Number(totals![1]);
};

// Warm-up: module loading, JIT tiers, the upstream connection.
for (let i = 0; i < 2 * streams; i++) await stream(i % 2 ? 'up:long' : 'up:short');
const short = await measure('up:short', streams);
const long = await measure('up:long', streams);
const perToken = (long - short) / (streams * (LONG - SHORT));
console.log(
  `gateway instructions per stream (callgrind, ${streams} streams each): ${SHORT} tokens ${(short / streams / 1e6).toFixed(2)} M, ${LONG} tokens ${(long / streams / 1e6).toFixed(2)} M; each further token ${Math.round(perToken)} instructions${values.root ? ` (${values.root})` : ''}`,
);
upstream.kill();
const exited = once(gateway, 'exit');
gateway.kill();
await exited; // callgrind writes its last dump as the gateway exits
await agent.close();
rmSync(outDir, { recursive: true, force: true });
