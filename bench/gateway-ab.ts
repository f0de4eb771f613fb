/**
 * A/B for the gateway's latency: direct, the minimal proxy and two or more gateway processes that differ
 * only in their node flags, loaded interleaved (bench/load/open-loop.ts) so that they share the
 * machine's noise. A change to the hot path or a V8 flag is judged here by many short rounds, not by two
 * runs minutes apart, which on this VM differ more than any change does.
 *
 * A variant may also name another checkout of the project with `@path`: its own bench/gateway.ts serves
 * its own code, so two versions of the gateway are compared side by side in one run (a refactor's
 * before and after), e.g. `git worktree add /tmp/before <commit>` then `--variant before=@/tmp/before`.
 *
 * Run: node bench/gateway-ab.ts [--rate 1000] [--rounds 7] [--seconds 2] --variant 'name=--flag --flag2' ...
 *      (a variant with no flags: --variant base=; another checkout: --variant 'before=@/tmp/before')
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type LoadResult, percentile, runInterleaved } from './load/open-loop.ts';

const GATEWAY_BENCH = fileURLToPath(new URL('./gateway.ts', import.meta.url));
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '7' },
    seconds: { type: 'string', default: '2' },
    variant: { type: 'string', multiple: true, default: [] },
  },
});
const rate = Number(values.rate);
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const variants = values.variant.map((spec) => {
  const [name, flags = ''] = spec.split(/=(.*)/s);
  const words = flags.split(' ').filter(Boolean);
  const checkout = words.find((word) => word.startsWith('@'))?.slice(1);
  const script = checkout ? resolve(checkout, 'bench/gateway.ts') : GATEWAY_BENCH;
  return { name: name!, flags: words.filter((word) => !word.startsWith('@')), script };
});
if (variants.length === 0) variants.push({ name: 'understudy', flags: [], script: GATEWAY_BENCH });

async function start(role: string, upstreamUrl = '', execArgv: string[] = [], script = GATEWAY_BENCH) {
  const child: ChildProcess = fork(script, ['--serve', role, upstreamUrl], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  });
  const [message] = (await once(child, 'message')) as [{ url: string }];
  return { child, url: message.url };
}

const bodyOf = (model: string) =>
  JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'Say hello in one short sentence, please.' }],
    max_tokens: 50,
  });

const upstream = await start('upstream');
const proxy = await start('proxy', upstream.url);
const targets = [
  { name: 'direct', url: `${upstream.url}/chat/completions`, body: bodyOf('gpt-4o') },
  { name: 'minimal proxy', url: `${proxy.url}/`, body: bodyOf('gpt-4o') },
];
const children = [upstream.child, proxy.child];
for (const variant of variants) {
  const gateway = await start('gateway', upstream.url, variant.flags, variant.script);
  children.push(gateway.child);
  targets.push({ name: variant.name, url: `${gateway.url}/v1/chat/completions`, body: bodyOf('up:gpt-4o') });
}

// Warm-up: JIT and connection pools.
await runInterleaved({ targets, rate, durationMsPerTarget: 2000 });

const added = new Map(targets.slice(1).map((t) => [t.name, [] as Array<{ p50: number; p99: number }>]));
const ms = (n: number) => n.toFixed(3);
console.log(
  `rate ${rate} req/s, ${rounds} rounds of ${seconds} s per target; added p50 / p99 ms over direct`,
);
for (let round = 1; round <= rounds; round++) {
  const results: LoadResult[] = await runInterleaved({ targets, rate, durationMsPerTarget: seconds * 1000 });
  const direct = results[0]!;
  const cells = targets.slice(1).map((target, i) => {
    const result = results[i + 1]!;
    const extra = { p50: result.p50Ms - direct.p50Ms, p99: result.p99Ms - direct.p99Ms };
    added.get(target.name)!.push(extra);
    return `${target.name} ${ms(extra.p50)} / ${ms(extra.p99)}${result.failed + result.unfinished ? ` (${result.failed + result.unfinished} failed)` : ''}`;
  });
  const steal = Math.max(...results.map((r) => r.stolen));
  console.log(
    `round ${round}: direct ${ms(direct.p50Ms)} / ${ms(direct.p99Ms)} | ${cells.join(' | ')} | steal ≤ ${(steal * 100).toFixed(1)}%`,
  );
}
console.log('median round:');
for (const [name, rows] of added) {
  const p50 = percentile(
    rows.map((r) => r.p50).sort((a, b) => a - b),
    50,
  );
  const p99 = percentile(
    rows.map((r) => r.p99).sort((a, b) => a - b),
    50,
  );
  console.log(`  ${name}: added p50 ${ms(p50)} ms, p99 ${ms(p99)} ms`);
}
for (const child of children) child.kill();
