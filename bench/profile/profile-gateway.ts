/**
 * Profiles one gateway process under steady load: starts the chaos upstream and a gateway (the same
 * roles bench/gateway.ts uses), warms it up, then sends non-streaming requests at a fixed rate while the
 * gateway's inspector samples its CPU (steady state only: no start-up, no module loading). Prints the
 * gateway's CPU µs per request and writes the profile for bench/profile/summarize-cpu-profile.ts.
 *
 * Run: node bench/profile/profile-gateway.ts [--rate 1000] [--seconds 8] [--out /tmp/understudy-gateway.cpuprofile] [--no-prof] [--trace-gc] [--alloc] [--stream]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runOpenLoop } from '../load/open-loop.ts';

const GATEWAY_BENCH = fileURLToPath(new URL('../gateway.ts', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : args[at + 1]!;
};
const rate = Number(option('rate', '1000'));
const seconds = Number(option('seconds', '8'));
const outFile = option('out', '/tmp/understudy-gateway.cpuprofile');
const profiling = !args.includes('--no-prof');
// `--alloc`: a sampling heap profile (allocations by function) instead of a CPU profile.
const kind = args.includes('--alloc') ? 'alloc' : 'profile';

async function start(
  role: string,
  upstreamUrl = '',
  execArgv: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(GATEWAY_BENCH, ['--serve', role, upstreamUrl], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  });
  const [message] = (await once(child, 'message')) as [{ url: string }];
  return { child, url: message.url };
}

async function cpuOf(child: ChildProcess): Promise<number> {
  child.send('cpu');
  const [message] = (await once(child, 'message')) as [{ cpuUs: number }];
  return message.cpuUs;
}

const upstream = await start('upstream');
// `--trace-gc`: the gateway prints each collection and its pause, to tell GC pauses from CPU contention.
const gateway = await start('gateway', upstream.url, args.includes('--trace-gc') ? ['--trace-gc'] : []);
const body = JSON.stringify({
  model: 'up:gpt-4o',
  // `--stream`: the streaming path (each request reads its SSE answer to the end).
  stream: args.includes('--stream'),
  messages: [{ role: 'user', content: 'Say hello in one short sentence, please.' }],
  max_tokens: 50,
});
const url = `${gateway.url}/v1/chat/completions`;
await runOpenLoop({ url, body, rate, durationMs: 3000 });
if (profiling) {
  gateway.child.send(`${kind}-start`);
  await once(gateway.child, 'message');
}
const [g0, u0] = [await cpuOf(gateway.child), await cpuOf(upstream.child)];
gateway.child.send('loop-delay'); // resets the gateway's event-loop delay histogram
await once(gateway.child, 'message');
const result = await runOpenLoop({ url, body, rate, durationMs: seconds * 1000 });
const [g1, u1] = [await cpuOf(gateway.child), await cpuOf(upstream.child)];
gateway.child.send('loop-delay');
const [delay] = (await once(gateway.child, 'message')) as [{ p50Ms: number; p99Ms: number; maxMs: number }];
console.log(
  `gateway event-loop delay (1 ms resolution): p50 ${delay.p50Ms.toFixed(2)} ms, p99 ${delay.p99Ms.toFixed(2)} ms, max ${delay.maxMs.toFixed(2)} ms`,
);
console.log(
  `rate ${rate}: ${result.ok} ok, ${result.failed} failed, p50 ${result.p50Ms.toFixed(3)} ms, p99 ${result.p99Ms.toFixed(3)} ms; CPU per request: gateway ${((g1 - g0) / result.ok).toFixed(0)} µs, upstream ${((u1 - u0) / result.ok).toFixed(0)} µs (load average ${(await import('node:os')).loadavg()[0]!.toFixed(2)})`,
);
if (profiling) {
  gateway.child.send(`${kind}-stop`);
  const [message] = (await once(gateway.child, 'message')) as [{ profile: string }];
  writeFileSync(outFile, message.profile);
  console.log(`profile: ${outFile}`);
}
gateway.child.kill();
upstream.child.kill();
