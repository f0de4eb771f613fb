/**
 * Profiles the floor and Understudy under the same load (issue 17): each runs under `node --cpu-prof`
 * (the floor as bench/gateway.ts's `proxy` role, Understudy as `understudy serve --workers 1` in env-only
 * mode) while the closed-loop generator keeps 50 connections busy for `--seconds`, then stops cleanly so
 * the profile is written. Prints requests served and CPU µs per request of each, and the profile paths
 * for bench/profile/summarize-cpu-profile.ts. `--stream` loads the streaming path instead; `--rate N`
 * sends N requests per second (open loop) instead, so that both do the same work per second: what a
 * request costs each when neither is the bottleneck.
 *
 * Run: node bench/profile/profile-throughput.ts [--seconds 5] [--out /tmp/profiles] [--stream] [--rate N]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runClosedLoop } from '../load/closed-loop.ts';
import { runOpenLoop } from '../load/open-loop.ts';
import { type Started, startUnderstudy, stop, treeCpuUs } from '../load/processes.ts';

const GATEWAY_BENCH = fileURLToPath(new URL('../gateway.ts', import.meta.url));
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    out: { type: 'string', default: '/tmp/profiles' },
    stream: { type: 'boolean', default: false },
    rate: { type: 'string' },
  },
});
const seconds = Number(values.seconds);

async function role(name: string, upstreamUrl = '', execArgv: string[] = []): Promise<Started> {
  const child = fork(GATEWAY_BENCH, ['--serve', name, upstreamUrl], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  });
  const [message] = (await once(child, 'message')) as [{ url: string }];
  return { child, url: message.url };
}

const profileArgs = (name: string) => {
  const dir = `${values.out}/${name}`;
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200'];
};

const upstream = await role('upstream');
const floor = await role('proxy', upstream.url, profileArgs('floor'));
const understudy = await startUnderstudy({
  upstreamUrl: upstream.url,
  workers: 1,
  nodeArgs: profileArgs('understudy'),
});
const body = (model: string) =>
  JSON.stringify({
    model,
    stream: values.stream,
    messages: [{ role: 'user', content: 'Say hello in one short sentence, please.' }],
    max_tokens: 50,
  });
const served = new Map<string, { requests: number; window: string }>();
const nowUs = () => Math.round(Number(process.hrtime.bigint() / 1000n));
for (const [name, started, url, model] of [
  ['floor', floor, `${floor.url}/`, 'gpt-4o'],
  ['understudy', understudy, `${understudy.url}/v1/chat/completions`, 'openai:gpt-4o'],
] as const) {
  // A second of load first: the window summarized starts warm, after module loading and compiling.
  await runClosedLoop({ url, body: body(model), durationMs: 1000 });
  const cpu0 = treeCpuUs(started.child.pid!);
  const from = nowUs();
  const load = { url, body: body(model), durationMs: seconds * 1000 };
  const result = values.rate
    ? await runOpenLoop({ ...load, rate: Number(values.rate) }).then((r) => ({
        ...r,
        perSecond: r.achievedRate,
      }))
    : await runClosedLoop(load);
  const cpu = (treeCpuUs(started.child.pid!) - cpu0) / result.ok;
  served.set(name, { requests: result.ok, window: `${from}-${nowUs()}` });
  console.log(
    `${name}: ${result.ok} requests, ${Math.round(result.perSecond)} req/s (${result.failed} failed), ${cpu.toFixed(0)} CPU µs per request`,
  );
}
// The floor exits when its parent disconnects; the CLI on SIGTERM, after a graceful close.
floor.child.disconnect();
await once(floor.child, 'exit');
await stop(understudy);
await stop(upstream);
for (const name of ['floor', 'understudy']) {
  const file = `${values.out}/${name}/${readdirSync(`${values.out}/${name}`).at(-1)}`;
  const { requests, window } = served.get(name)!;
  console.log(
    `node bench/profile/summarize-cpu-profile.ts ${file} --requests ${requests} --window ${window}`,
  );
}
