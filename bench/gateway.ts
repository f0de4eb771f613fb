/**
 * The gateway against the floor (issue 17), in one run: direct-to-upstream; the floor, a do-nothing
 * `node:http` reverse proxy (bench/load/minimal-proxy.ts); Understudy as a user starts it
 * (`understudy serve --workers 1`, env-only mode, one OpenAI-compatible upstream); and Portkey's
 * open-source gateway. All in front of the same chaos OpenAI upstream (no added latency), each in its own
 * process, the load in this one. Every figure is also given as a ratio to the floor's in the same run,
 * because on a shared 2-core VM absolute figures move with the hour:
 *
 * - latency added over direct, p50 and p99, at a fixed 1,000 req/s (open loop), direct, the floor and
 *   Understudy interleaved in 500 ms turns; Portkey, which would spill its backlog into the others'
 *   turns, alone after them;
 * - maximum throughput: 50 connections, one request in flight on each, non-streaming, targets in turn,
 *   order rotating every round;
 * - streaming time to first token, added over direct, targets in turn;
 * - `--workers 2` against `--workers 1`, maximum throughput, with the CPU each process used per request
 *   (pinned with `taskset` when there are cores to keep the load apart: `--pin`);
 * - CPU µs per request at 1,000 req/s for each process, read from /proc alike for all.
 *
 * Run: node_modules/.bin/node bench/gateway.ts [--no-portkey] [--rounds 5] [--out bench/results]
 *      [--pin] [--open-streams 5000]      (Node 24, Linux; about four minutes)
 */
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runClosedLoop } from './load/closed-loop.ts';
import { holdStreams, measureFirstToken } from './load/first-token.ts';
import { type LoadResult, runInterleaved, runOpenLoop } from './load/open-loop.ts';
import { rssMiB, type Started, startPortkey, startUnderstudy, stop, treeCpuUs } from './load/processes.ts';
import { groupedBarChart } from './report/bar-chart.ts';

const SELF = fileURLToPath(import.meta.url);
const RATE = 1000;
const SLICE_MS = 500;
const CONNECTIONS = 50;

type Role = 'upstream' | 'gateway' | 'proxy';

/** A child process's role: the chaos upstream, or our gateway in front of it. */
async function serve(role: Role, upstreamUrl: string | undefined): Promise<void> {
  // A parent killed mid-run (a timeout, Ctrl-C) must not leave its servers behind.
  process.on('disconnect', () => process.exit(0));
  if (role === 'upstream') {
    const { startChaosServer } = await import('../src/chaos/index.ts');
    // `held` answers one token then holds the stream open: the open-streams measurement.
    const chaos = await startChaosServer({
      protocol: 'openai',
      scenario: { models: { held: { fault: 'stall-after:1' } } },
      hangCapMs: 120_000,
    });
    process.send?.({ url: chaos.url });
  } else if (role === 'proxy') {
    const { startMinimalProxy } = await import('./load/minimal-proxy.ts');
    process.send?.({ url: await startMinimalProxy(`${upstreamUrl}/chat/completions`) });
  } else {
    const { startGateway } = await import('../src/gateway/index.ts');
    const gateway = await startGateway({
      // The ledger's database: the in-memory default, or what BENCH_DATABASE names (a variant sets it with
      // --env-file), so recording to a SQLite file or Postgres is priced the same way.
      config: {
        providers: { up: { type: 'openai', baseUrl: upstreamUrl } },
        ...(process.env.BENCH_DATABASE ? { database: process.env.BENCH_DATABASE } : {}),
      },
      port: 0,
      env: {},
      log: () => {},
    });
    process.send?.({ url: gateway.url });
  }
  let profiler: import('node:inspector/promises').Session | undefined;
  // How long the event loop was blocked: tells the gateway's own pauses (GC, long tasks) from waiting
  // for a CPU that other processes hold.
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  process.on('message', async (message) => {
    if (message === 'loop-delay') {
      const toMs = (ns: number) => ns / 1e6;
      process.send?.({
        p50Ms: toMs(loopDelay.percentile(50)),
        p99Ms: toMs(loopDelay.percentile(99)),
        maxMs: toMs(loopDelay.max),
      });
      loopDelay.reset();
    }
    // A CPU profile of the steady state only (bench/profile/profile-gateway.ts), without start-up.
    if (message === 'profile-start') {
      const { Session } = await import('node:inspector/promises');
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
      await profiler.post('Profiler.start');
      process.send?.({ profiling: true });
    }
    if (message === 'profile-stop' && profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      process.send?.({ profile: JSON.stringify(profile) });
    }
    // Where the garbage comes from: sampled allocations, by the function that allocated.
    if (message === 'alloc-start') {
      const { Session } = await import('node:inspector/promises');
      profiler = new Session();
      profiler.connect();
      await profiler.post('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      process.send?.({ profiling: true });
    }
    if (message === 'alloc-stop' && profiler) {
      const { profile } = await profiler.post('HeapProfiler.stopSampling');
      process.send?.({ profile: JSON.stringify(profile) });
    }
    if (message === 'cpu') process.send?.({ cpuUs: process.cpuUsage().user + process.cpuUsage().system });
  });
}

/** A role of bench/gateway.ts in a child process (also used by gateway-ab.ts and the profiler). */
async function start(role: Role, upstreamUrl?: string): Promise<Started> {
  const child = fork(SELF, ['--serve', role, upstreamUrl ?? ''], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = (await once(child, 'message')) as [{ url: string }];
  return { child, url: message.url };
}

/** Pins a running process, all its threads, to `cpus` (a taskset list such as `0` or `2,3`). */
function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

interface Target {
  name: string;
  url: string;
  model: string;
  headers: Record<string, string>;
  /** Whose CPU is this target's own (with its children); none for direct. */
  pid: number | undefined;
}

const bodyOf = (model: string, stream = false) =>
  JSON.stringify({
    model,
    stream,
    messages: [{ role: 'user', content: 'Say hello in one short sentence, please.' }],
    max_tokens: 50,
  });

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : 'n/a');
const load1 = () => loadavg()[0]!.toFixed(1);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
/** Round r starts at target r mod n: each target follows every other equally often. */
const rotate = <T>(items: T[], round: number) => items.map((_, i) => items[(i + round) % items.length]!);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'no-portkey': { type: 'boolean', default: false },
      rounds: { type: 'string', default: '5' },
      out: { type: 'string', default: 'bench/results' },
      pin: { type: 'boolean', default: false },
      'open-streams': { type: 'string', default: '0' },
      'skip-scaling': { type: 'boolean', default: false },
    },
  });
  const rounds = Number(values.rounds);
  const lines: string[] = [];
  const say = (line = '') => {
    lines.push(line);
    console.log(line);
  };
  const code = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  say(
    `Run ${new Date().toISOString()}, code ${code}, Node ${process.version}, ${availableParallelism()} CPUs, load average at start ${load1()}.`,
  );

  const upstream = await start('upstream');
  const proxy = await start('proxy', upstream.url);
  const understudy = await startUnderstudy({ upstreamUrl: upstream.url, workers: 1 });
  const portkey = values['no-portkey'] ? undefined : await startPortkey();
  const direct: Target = {
    name: 'direct',
    url: `${upstream.url}/chat/completions`,
    model: 'gpt-4o',
    headers: {},
    pid: undefined,
  };
  const floor: Target = { ...direct, name: 'floor', url: `${proxy.url}/`, pid: proxy.child.pid };
  const ours: Target = {
    name: 'understudy',
    url: `${understudy.url}/v1/chat/completions`,
    model: 'openai:gpt-4o',
    headers: {},
    pid: understudy.child.pid,
  };
  const targets = [direct, floor, ours];
  if (portkey) {
    targets.push({
      name: 'portkey',
      url: `${portkey.url}/v1/chat/completions`,
      model: 'gpt-4o',
      // Portkey's way to reach an OpenAI-compatible host of the caller's choosing.
      headers: {
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': upstream.url,
        authorization: 'Bearer sk-bench',
      },
      pid: portkey.child.pid,
    });
  }
  const gateways = targets.filter((t) => t !== direct);
  const startRss = new Map(gateways.map((t) => [t.name, rssMiB(t.pid!)]));
  const loadOf = (t: Target, stream = false) => ({
    url: t.url,
    body: bodyOf(t.model, stream),
    headers: t.headers,
  });

  // Warm every path (JIT, connection pools) before measuring.
  for (const target of targets) await runOpenLoop({ ...loadOf(target), rate: RATE, durationMs: 2000 });
  for (const target of targets) await runClosedLoop({ ...loadOf(target), durationMs: 1000 });

  say();
  say('### CPU per request at 1,000 req/s (each target alone for 3 s; /proc, user + system)');
  say();
  say('| target | its CPU µs / request | ÷ floor | upstream CPU µs / request | load average |');
  say('| --- | --- | --- | --- | --- |');
  const cpu = new Map<string, number>();
  for (const target of targets) {
    const [own0, up0] = [target.pid ? treeCpuUs(target.pid) : 0, treeCpuUs(upstream.child.pid!)];
    const run = await runOpenLoop({ ...loadOf(target), rate: RATE, durationMs: 3000 });
    const [own1, up1] = [target.pid ? treeCpuUs(target.pid) : 0, treeCpuUs(upstream.child.pid!)];
    cpu.set(target.name, target.pid ? (own1 - own0) / run.ok : Number.NaN);
    const own = cpu.get(target.name)!;
    say(
      `| ${target.name} | ${target.pid ? own.toFixed(0) : '—'} | ${target.pid ? ratio(own, cpu.get('floor')!) : '—'} | ${((up1 - up0) / run.ok).toFixed(0)} | ${load1()} |`,
    );
  }

  say();
  say(
    `### Latency added at ${RATE} req/s (open loop; direct, floor and understudy interleaved in ${SLICE_MS} ms turns, ${rounds} rounds of 2 s per target; added = p − direct's p in the same round)`,
  );
  say();
  say('| round | target | p50 / p99 ms | added p50 / p99 ms | failed | steal | load average |');
  say('| --- | --- | --- | --- | --- | --- | --- |');
  const interleaved = [direct, floor, ours];
  const added = new Map<string, Array<{ p50: number; p99: number }>>(gateways.map((t) => [t.name, []]));
  const row = (round: string, name: string, via: LoadResult, base: LoadResult) => {
    const extra = { p50: via.p50Ms - base.p50Ms, p99: via.p99Ms - base.p99Ms };
    say(
      `| ${round} | ${name} | ${ms(via.p50Ms)} / ${ms(via.p99Ms)} | ${via === base ? '—' : `${ms(extra.p50)} / ${ms(extra.p99)}`} | ${via.failed + via.unfinished} | ${(via.stolen * 100).toFixed(1)}% | ${load1()} |`,
    );
    return extra;
  };
  let lastDirect: LoadResult | undefined;
  for (let round = 1; round <= rounds; round++) {
    const results = await runInterleaved({
      targets: interleaved.map((t) => loadOf(t)),
      rate: RATE,
      durationMsPerTarget: 2000,
      sliceMs: SLICE_MS,
    });
    lastDirect = results[0]!;
    interleaved.forEach((target, i) => {
      const extra = row(String(round), target.name, results[i]!, lastDirect!);
      if (target !== direct) added.get(target.name)!.push(extra);
    });
  }
  const portkeyTarget = targets.find((t) => t.name === 'portkey');
  if (portkeyTarget && lastDirect) {
    const via = await runOpenLoop({ ...loadOf(portkeyTarget), rate: RATE, durationMs: 3000 });
    added.get('portkey')!.push(row('alone', 'portkey', via, lastDirect));
  }
  const latency = new Map(
    [...added].map(([name, list]) => [
      name,
      { p50: median(list.map((a) => a.p50)), p99: median(list.map((a) => a.p99)) },
    ]),
  );
  for (const [name, value] of latency)
    say(`| median | ${name} | | **${ms(value.p50)} / ${ms(value.p99)}** | | | |`);

  say();
  say(
    `### Maximum throughput (closed loop, ${CONNECTIONS} connections, one request in flight on each, non-streaming; 2 s per target per round, order rotating)`,
  );
  say();
  say(`| round | ${targets.map((t) => t.name).join(' | ')} | understudy ÷ floor | load average |`);
  say(`| --- | ${targets.map(() => '---').join(' | ')} | --- | --- |`);
  const throughput = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  const share: number[] = [];
  for (let round = 0; round < 3; round++) {
    const got = new Map<string, number>();
    for (const target of rotate(targets, round)) {
      const result = await runClosedLoop({ ...loadOf(target), connections: CONNECTIONS, durationMs: 2000 });
      got.set(target.name, result.failed > 0 ? Number.NaN : result.perSecond);
    }
    for (const [name, value] of got) throughput.get(name)!.push(value);
    share.push(got.get('understudy')! / got.get('floor')!);
    say(
      `| ${round + 1} | ${targets.map((t) => Math.round(got.get(t.name)!)).join(' | ')} | ${share.at(-1)!.toFixed(2)} | ${load1()} |`,
    );
  }
  const best = new Map([...throughput].map(([name, list]) => [name, median(list)]));
  say(
    `| median | ${targets.map((t) => `**${Math.round(best.get(t.name)!)}**`).join(' | ')} | **${median(share).toFixed(2)}** | |`,
  );

  say();
  say(
    '### Streaming time to first token (200 streams at 200/s per target per round, 3 rounds, order rotating)',
  );
  say();
  say('| round | target | p50 / p99 ms | added p50 ms | failed |');
  say('| --- | --- | --- | --- | --- |');
  const ttft = new Map<string, number[]>(gateways.map((t) => [t.name, []]));
  for (let round = 0; round < 3; round++) {
    const got = new Map<string, { p50Ms: number; p99Ms: number; failed: number }>();
    for (const target of rotate(targets, round))
      got.set(target.name, await measureFirstToken({ ...loadOf(target, true), count: 200, rate: 200 }));
    const base = got.get('direct')!;
    for (const target of targets) {
      const f = got.get(target.name)!;
      const extra = f.p50Ms - base.p50Ms;
      if (target !== direct) ttft.get(target.name)!.push(f.failed > 0 ? Number.NaN : extra);
      say(
        `| ${round + 1} | ${target.name} | ${ms(f.p50Ms)} / ${ms(f.p99Ms)} | ${target === direct ? '—' : ms(extra)} | ${f.failed} |`,
      );
    }
  }
  const ttftAdded = new Map([...ttft].map(([name, list]) => [name, median(list)]));

  let scaling: number | undefined;
  if (!values['skip-scaling']) scaling = await measureScaling(upstream, say, values.pin);

  const openStreams = Number(values['open-streams']);
  if (openStreams > 0) {
    say();
    say(
      '| gateway | RSS at start MiB | before the streams MiB | with open streams MiB | streams open | KiB per stream |',
    );
    say('| --- | --- | --- | --- | --- | --- |');
    for (const target of gateways.filter((t) => t !== floor)) {
      const idle = rssMiB(target.pid!);
      const held = await holdStreams({
        url: target.url,
        body: bodyOf(target.model === 'gpt-4o' ? 'held' : 'openai:held', true),
        headers: target.headers,
        count: openStreams,
        timeoutMs: 30_000,
      });
      const holding = rssMiB(target.pid!);
      const kib = held.open > 0 ? ((holding - idle) * 1024) / held.open : Number.NaN;
      say(
        `| ${target.name} | ${startRss.get(target.name)!.toFixed(0)} | ${idle.toFixed(0)} | ${holding.toFixed(0)} | ${held.open} of ${openStreams} | ${ms(kib)} |`,
      );
      await held.close();
    }
  }

  say();
  say('### Against the targets of issue 17 (this run)');
  say();
  const u = latency.get('understudy')!;
  const f = latency.get('floor')!;
  const check = (met: boolean) => (met ? 'met' : '**not met**');
  const portkeyRate = best.get('portkey');
  say('| target | this run | |');
  say('| --- | --- | --- |');
  say(
    `| throughput ≥ 80% of the floor's | ${Math.round(best.get('understudy')!)} vs ${Math.round(best.get('floor')!)} req/s: ${(100 * median(share)).toFixed(0)}% (median of the rounds' ratios) | ${check(median(share) >= 0.8)} |`,
  );
  if (portkeyRate !== undefined)
    say(
      `| throughput ≥ 5× Portkey's | ${ratio(best.get('understudy')!, portkeyRate)}× | ${check(best.get('understudy')! >= 5 * portkeyRate)} |`,
    );
  say(
    `| added p50 ≤ floor's + 0.10 ms | ${ms(u.p50)} vs ${ms(f.p50)} + 0.10 | ${check(u.p50 <= f.p50 + 0.1)} |`,
  );
  say(
    `| added p99 ≤ max(1.0, 1.5 × floor's) ms | ${ms(u.p99)} vs ${ms(Math.max(1, 1.5 * f.p99))} | ${check(u.p99 <= Math.max(1, 1.5 * f.p99))} |`,
  );
  say(
    `| TTFT added ≤ floor's + 0.2 ms | ${ms(ttftAdded.get('understudy')!)} vs ${ms(ttftAdded.get('floor')!)} + 0.2 | ${check(ttftAdded.get('understudy')! <= ttftAdded.get('floor')! + 0.2)} |`,
  );
  if (scaling !== undefined)
    say(`| --workers 2 ≥ 1.6× --workers 1 | ${scaling.toFixed(2)}× | ${check(scaling >= 1.6)} |`);
  say();
  say(`Load average at the end ${load1()}.`);

  mkdirSync(values.out, { recursive: true });
  const colors: Record<string, string> = {
    direct: '#718096',
    floor: '#a0aec0',
    understudy: '#2b6cb0',
    portkey: '#c05621',
  };
  writeFileSync(
    `${values.out}/gateway-latency.svg`,
    groupedBarChart({
      title: `Latency added over direct at ${RATE} req/s (ms, lower is better)`,
      unit: 'ms',
      log: true,
      groups: ['p50', 'p99'],
      series: gateways.map((t) => ({
        name: t.name,
        color: colors[t.name]!,
        values: [Math.max(latency.get(t.name)!.p50, 0.001), Math.max(latency.get(t.name)!.p99, 0.001)],
      })),
      width: 560,
    }),
  );
  writeFileSync(
    `${values.out}/gateway-throughput.svg`,
    groupedBarChart({
      title: `Maximum throughput, ${CONNECTIONS} connections, one process (req/s, higher is better)`,
      unit: 'req/s',
      groups: ['req/s'],
      series: targets.map((t) => ({ name: t.name, color: colors[t.name]!, values: [best.get(t.name)!] })),
      width: 480,
    }),
  );
  writeFileSync(`${values.out}/gateway.md`, `${lines.join('\n')}\n`);
  console.log(`\nwrote ${values.out}/gateway.md, gateway-latency.svg, gateway-throughput.svg`);
  for (const started of [understudy, proxy, upstream, ...(portkey ? [portkey] : [])]) await stop(started);
}

/**
 * `--workers 2` against `--workers 1`: maximum throughput of each, rounds alternating, with the CPU
 * every process used per request, which says where the cores went when 2 workers do not double one.
 * With `--pin` and at least 4 CPUs, the load generator and the upstream run on CPUs 0–1 and the gateway
 * on 2–3; with fewer CPUs there are no cores to keep apart, and the run says so.
 */
async function measureScaling(
  upstream: Started,
  say: (line?: string) => void,
  wantPin: boolean,
): Promise<number> {
  const cpus = availableParallelism();
  const pinned = wantPin && cpus >= 4;
  say();
  say(
    `### --workers 2 against --workers 1 (maximum throughput, ${CONNECTIONS} connections, 2 s per run, alternating, 3 rounds)`,
  );
  say();
  say(
    pinned
      ? 'Pinned with taskset: this process (the load) and the upstream on CPUs 0,1, the gateway on CPUs 2,3.'
      : `Not pinned: ${cpus} CPUs${wantPin ? ' are too few to keep the load and upstream off the gateway’s cores (--pin needs 4)' : ''}; the load generator, the upstream and the gateway share them. The CPU columns say where each request's CPU went.`,
  );
  say();
  if (pinned) {
    pin(process.pid, '0,1');
    pin(upstream.child.pid!, '0,1');
  }
  const one = await startUnderstudy({
    upstreamUrl: upstream.url,
    workers: 1,
    cpus: pinned ? '2,3' : undefined,
  });
  const two = await startUnderstudy({
    upstreamUrl: upstream.url,
    workers: 2,
    cpus: pinned ? '2,3' : undefined,
  });
  say(
    '| round | workers | req/s | gateway CPU µs / req | upstream µs / req | load generator µs / req | load average |',
  );
  say('| --- | --- | --- | --- | --- | --- | --- |');
  const body = bodyOf('openai:gpt-4o');
  const perSecond = { 1: [] as number[], 2: [] as number[] };
  // Warm both (JIT, the cluster's workers, upstream connections) before measuring.
  for (const gateway of [one, two])
    await runClosedLoop({ url: `${gateway.url}/v1/chat/completions`, body, durationMs: 1000 });
  for (let round = 1; round <= 3; round++) {
    for (const [workers, gateway] of round % 2
      ? ([
          [1, one],
          [2, two],
        ] as const)
      : ([
          [2, two],
          [1, one],
        ] as const)) {
      const g0 = treeCpuUs(gateway.child.pid!);
      const u0 = treeCpuUs(upstream.child.pid!);
      const l0 = process.cpuUsage();
      const result = await runClosedLoop({
        url: `${gateway.url}/v1/chat/completions`,
        body,
        connections: CONNECTIONS,
        durationMs: 2000,
      });
      const l1 = process.cpuUsage(l0);
      const n = result.ok;
      perSecond[workers].push(result.perSecond);
      say(
        `| ${round} | ${workers} | ${Math.round(result.perSecond)}${result.failed ? ` (${result.failed} failed)` : ''} | ${((treeCpuUs(gateway.child.pid!) - g0) / n).toFixed(0)} | ${((treeCpuUs(upstream.child.pid!) - u0) / n).toFixed(0)} | ${((l1.user + l1.system) / n).toFixed(0)} | ${load1()} |`,
      );
    }
  }
  const scaling = median(perSecond[2]) / median(perSecond[1]);
  say(`| median | 2 ÷ 1 | **${scaling.toFixed(2)}×** | | | | |`);
  await stop(one);
  await stop(two);
  if (pinned) {
    pin(process.pid, `0-${cpus - 1}`);
    pin(upstream.child.pid!, `0-${cpus - 1}`);
  }
  return scaling;
}

if (process.argv[2] === '--serve') await serve(process.argv[3] as Role, process.argv[4] || undefined);
else await main();
