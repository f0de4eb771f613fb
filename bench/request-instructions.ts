/**
 * The gateway's instructions per non-streamed request, counted by valgrind's callgrind: the gateway of
 * bench/stream-cost.ts (one OpenAI-compatible upstream, the Chat Completions route passed through) run
 * under callgrind, answered by the chaos upstream's 20-token filler. Counters are zeroed after a warm-up,
 * (`--warmup`, 1,000 by default: V8's optimizing tiers compile on the counted thread, so too short a
 * warm-up counts compilation), then `--rounds` rounds of `--requests` requests go one at a time, each round's total divided by them
 * (the spread of the rounds shows how repeatable the count is). Instruction counts do not
 * move with the machine's load the way CPU time does, so versions of the code can be compared minutes
 * apart (see bench/stream-instructions.ts for the streamed twin). `--stream` measures 20-token streams.
 * `--root <checkout>` measures another checkout's gateway; `--floor`, the floor of bench/gateway.ts.
 *
 * Run: node bench/request-instructions.ts [--requests 300] [--warmup 1000] [--rounds 3] [--stream] [--floor] [--root <checkout>]   (Node 24, valgrind)
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
  options: {
    requests: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    stream: { type: 'boolean', default: false },
    floor: { type: 'boolean', default: false },
    root: { type: 'string' },
  },
});
const count = Number(values.requests);
const script = values.root
  ? resolve(values.root, 'bench/stream-cost.ts')
  : fileURLToPath(new URL('./stream-cost.ts', import.meta.url));

const outDir = mkdtempSync(`${tmpdir()}/request-instructions-`);
const upstream = fork(script, ['--upstream'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [{ url: upstreamUrl }] = (await once(upstream, 'message')) as [{ url: string }];
// `--floor` counts the floor instead (bench/load/minimal-proxy.ts, as bench/gateway.ts runs it).
const measured = values.floor
  ? {
      script: fileURLToPath(new URL('./gateway.ts', import.meta.url)),
      args: ['--serve', 'proxy', upstreamUrl],
    }
  : { script, args: ['--gateway', upstreamUrl] };
const gateway = fork(measured.script, measured.args, {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  execPath: 'valgrind',
  // Same flags as bench/stream-instructions.ts, for the same reasons.
  execArgv: [
    '--tool=callgrind',
    '--smc-check=all-non-file',
    `--callgrind-out-file=${outDir}/callgrind.out`,
    process.execPath,
    '--single-threaded',
  ],
});
const [{ url: gatewayUrl }] = (await once(gateway, 'message')) as [{ url: string }];

const agent = new Agent();
const body = JSON.stringify({
  // The floor forwards the body as it is: it names the upstream's model itself.
  model: values.floor ? 'short' : 'up:short',
  stream: values.stream,
  messages: [{ role: 'user', content: 'Say hello.' }],
});
const send = async () => {
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

const warmup = Number(values.warmup);
for (let i = 0; i < warmup; i++) await send(); // warm-up: module loading, JIT tiers, the upstream connection
const rounds = Number(values.rounds);
const perRequest: number[] = [];
for (let round = 0; round < rounds; round++) {
  control('--zero');
  for (let i = 0; i < count; i++) await send();
  const before = new Set(readdirSync(outDir));
  control('--dump');
  const dumped = readdirSync(outDir).find((name) => !before.has(name))!;
  const totals = /^(?:summary|totals): (\d+)/m.exec(readFileSync(`${outDir}/${dumped}`, 'utf8'));
  perRequest.push(Number(totals![1]) / count);
}
const median = [...perRequest].sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
console.log(
  `${values.floor ? 'floor' : 'gateway'} instructions per ${values.stream ? '20-token stream' : 'request'} (callgrind, ${rounds} rounds of ${count} after ${warmup} warm-up): median ${Math.round(median)}; rounds ${perRequest.map(Math.round).join(', ')}${values.root ? ` (${values.root})` : ''}`,
);
upstream.kill();
const exited = once(gateway, 'exit');
gateway.kill();
await exited;
await agent.close();
rmSync(outDir, { recursive: true, force: true });
