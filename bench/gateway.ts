/**
 * The gateway against direct-to-upstream and against Portkey's open-source gateway, in one run, with the
 * same load tool (bench/load/) and the same chaos upstream (no added latency): added latency p50/p99 at
 * 500, 1,000 and 2,000 req/s (open loop, constant rate), the highest sustainable throughput of each,
 * streaming time-to-first-token overhead, CPU time per request and RSS with 5,000 open streams. A
 * minimal Node proxy (no parsing, routing or metrics) is measured beside them for latency and CPU: the
 * floor any Node gateway stands on, on this machine. The
 * upstream and each gateway run in their own process; the load runs in this one. CPU and RSS are read
 * from /proc for every process alike (Linux). Bounded: about five minutes.
 *
 * Run: node_modules/.bin/node bench/gateway.ts [--no-portkey] [--out bench/results]      (Node 24)
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { holdStreams, measureFirstToken } from './load/first-token.ts';
import { findSustainableRate, type LoadResult, runInterleaved, runOpenLoop } from './load/open-loop.ts';
import { groupedBarChart } from './report/bar-chart.ts';

const SELF = fileURLToPath(import.meta.url);
const PORTKEY = fileURLToPath(
  new URL('../node_modules/@portkey-ai/gateway/build/start-server.js', import.meta.url),
);
const OPEN_STREAMS = Number(process.env.BENCH_OPEN_STREAMS ?? 5000);
const RATES = [500, 1000, 2000];
const ROUNDS = 5;
const ROUND_MS = 3000;
const SLICE_MS = 500;
const STEP_RATES = [250, 500, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10000, 12000];

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

async function start(role: Role, upstreamUrl?: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(SELF, ['--serve', role, upstreamUrl ?? ''], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = (await once(child, 'message')) as [{ url: string }];
  return { child, url: message.url };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Portkey's gateway as its README starts it (`--port`, `--headless`; production mode: no log UI). */
async function startPortkey(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [PORTKEY, `--port=${port}`, '--headless'], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    const up = await fetch(`${url}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { child, url };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error('Portkey did not start within 15 s');
}

const TICKS_PER_S = 100; // Linux USER_HZ; /proc/<pid>/stat counts CPU in these

/** CPU µs (user + system) a process has used so far. */
function cpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_S;
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

interface Target {
  name: string;
  url: string;
  model: string;
  heldModel: string;
  headers: Record<string, string>;
  pid: number | undefined;
}

const bodyOf = (model: string, stream = false) =>
  JSON.stringify({
    model,
    stream,
    messages: [{ role: 'user', content: 'Say hello in one short sentence, please.' }],
    max_tokens: 50,
  });

const load = (target: Target, rate: number, durationMs: number): Promise<LoadResult> =>
  runOpenLoop({ url: target.url, body: bodyOf(target.model), headers: target.headers, rate, durationMs });

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : 'n/a');
const load1 = () => loadavg()[0]!.toFixed(1);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const withPortkey = !args.includes('--no-portkey');
  const outDir =
    args[args.indexOf('--out') + 1] && args.includes('--out')
      ? args[args.indexOf('--out') + 1]!
      : 'bench/results';
  const upstream = await start('upstream');
  const gateway = await start('gateway', upstream.url);
  const proxy = await start('proxy', upstream.url);
  const portkey = withPortkey ? await startPortkey() : undefined;
  const targets: Target[] = [
    {
      name: 'direct',
      url: `${upstream.url}/chat/completions`,
      model: 'gpt-4o',
      heldModel: 'held',
      headers: {},
      pid: undefined,
    },
    {
      name: 'understudy',
      url: `${gateway.url}/v1/chat/completions`,
      model: 'up:gpt-4o',
      heldModel: 'up:held',
      headers: {},
      pid: gateway.child.pid,
    },
  ];
  // Latency and CPU only: what any Node proxy costs on this machine, the floor under a gateway's figures.
  const floor: Target = {
    name: 'minimal proxy',
    url: `${proxy.url}/`,
    model: 'gpt-4o',
    heldModel: 'held',
    headers: {},
    pid: proxy.child.pid,
  };
  if (portkey) {
    targets.push({
      name: 'portkey',
      url: `${portkey.url}/v1/chat/completions`,
      model: 'gpt-4o',
      heldModel: 'held',
      // Portkey's way to reach an OpenAI-compatible host of the caller's choosing.
      headers: {
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': upstream.url,
        authorization: 'Bearer sk-bench',
      },
      pid: portkey.child.pid,
    });
  }
  const gateways = targets.filter((t) => t.name !== 'direct');
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  const startedAt = new Date();
  say(`Run ${startedAt.toISOString()}, Node ${process.version}, load average at start ${load1()}.`);
  say('');

  const startRss = new Map(gateways.map((t) => [t.name, rssMiB(t.pid!)]));
  // Warm every path (JIT, connection pools) before measuring.
  for (const target of [...targets, floor]) await load(target, 1000, 2000);

  // CPU time per request: what other processes' load does not change (much). The upstream's own CPU per
  // request is measured in the direct run: the floor any server answering this request pays.
  say('| target | CPU µs per request at 1,000 req/s | upstream CPU µs per request | load average |');
  say('| --- | --- | --- | --- |');
  const cpu = new Map<string, number>();
  for (const target of [...targets, floor]) {
    const [own0, up0] = [target.pid ? cpuUs(target.pid) : 0, cpuUs(upstream.child.pid!)];
    const run = await load(target, 1000, 4000);
    const [own1, up1] = [target.pid ? cpuUs(target.pid) : 0, cpuUs(upstream.child.pid!)];
    const perRequest = target.pid ? (own1 - own0) / run.ok : Number.NaN;
    cpu.set(target.name, perRequest);
    say(
      `| ${target.name} | ${target.pid ? perRequest.toFixed(0) : '—'} | ${((up1 - up0) / run.ok).toFixed(0)} | ${load1()} |`,
    );
  }

  say('');
  say(
    `Latency, open loop: direct, minimal proxy and understudy interleaved (${SLICE_MS} ms turns, order rotating), ${ROUNDS} rounds of ${ROUND_MS / 1000} s per target at each rate; "added" is against direct in the same round; steal is the CPU time the hypervisor gave to other machines during the target's turns. Portkey, which falls behind at these rates and whose backlog would spill into the others' turns, is loaded alone for ${ROUND_MS / 1000} s right after each rate's rounds.`,
  );
  say('');
  say('| rate (req/s) | round | target | p50 / p99 ms | added p50 / p99 ms | failed | steal |');
  say('| --- | --- | --- | --- | --- | --- | --- |');
  const interleaved = [targets[0]!, floor, ...gateways.filter((t) => t.name !== 'portkey')];
  const added = new Map<string, Array<{ p50: number; p99: number }>>(
    [floor, ...gateways].map((t) => [t.name, []]),
  );
  const row = (rate: number, round: string, name: string, via: LoadResult, direct: LoadResult) => {
    const extra = { p50: via.p50Ms - direct.p50Ms, p99: via.p99Ms - direct.p99Ms };
    say(
      `| ${rate} | ${round} | ${name} | ${ms(via.p50Ms)} / ${ms(via.p99Ms)} | ${via === direct ? '—' : `${ms(extra.p50)} / ${ms(extra.p99)}`} | ${via.failed + via.unfinished} | ${(via.stolen * 100).toFixed(1)}% |`,
    );
    return extra;
  };
  const steal: number[] = [];
  for (const rate of RATES) {
    const rounds: Map<string, { p50: number; p99: number }>[] = [];
    let lastDirect: LoadResult | undefined;
    for (let round = 1; round <= ROUNDS; round++) {
      const results = await runInterleaved({
        targets: interleaved.map((t) => ({ url: t.url, body: bodyOf(t.model), headers: t.headers })),
        rate,
        durationMsPerTarget: ROUND_MS,
        sliceMs: SLICE_MS,
      });
      const direct = results[0]!;
      lastDirect = direct;
      for (const result of results) steal.push(result.stolen);
      const extras = new Map<string, { p50: number; p99: number }>();
      interleaved.forEach((target, i) => {
        extras.set(target.name, row(rate, String(round), target.name, results[i]!, direct));
      });
      rounds.push(extras);
    }
    // The median round of each target: one noisy round (a neighbour's burst) moves it little.
    for (const target of interleaved.slice(1)) {
      const median = (pick: (a: { p50: number; p99: number }) => number) =>
        rounds.map((r) => pick(r.get(target.name)!)).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
      const extra = { p50: median((a) => a.p50), p99: median((a) => a.p99) };
      added.get(target.name)!.push(extra);
      say(`| ${rate} | median | ${target.name} | | **${ms(extra.p50)} / ${ms(extra.p99)}** | | |`);
    }
    const portkeyTarget = gateways.find((t) => t.name === 'portkey');
    if (portkeyTarget && lastDirect) {
      const via = await load(portkeyTarget, rate, ROUND_MS);
      added.get('portkey')!.push(row(rate, 'alone', 'portkey', via, lastDirect));
    }
  }

  const meanSteal = steal.reduce((sum, s) => sum + s, 0) / Math.max(1, steal.length);
  say('');
  say(
    `Steal over the latency rounds: mean ${(meanSteal * 100).toFixed(1)}%, highest ${(Math.max(...steal) * 100).toFixed(1)}%.${meanSteal > 0.05 ? ' Above 5% the sub-millisecond figures measure the host more than the gateway: run again when the machine is quieter.' : ''}`,
  );
  say('');
  const sustainable = new Map<string, number>();
  for (const target of targets) {
    const best = await findSustainableRate({
      url: target.url,
      body: bodyOf(target.model),
      headers: target.headers,
      rates: STEP_RATES,
      durationMs: 2000,
    });
    sustainable.set(target.name, best.rate);
  }
  const direct = sustainable.get('direct')!;
  say(
    `Highest sustainable rate (steps ${STEP_RATES.join(', ')} req/s, 2 s each; held = ≥98% answered, p99 ≤ 50 ms, rate achieved): ${targets
      .map(
        (t) =>
          `${t.name} ${sustainable.get(t.name)} req/s${t.name === 'direct' ? '' : ` (${((100 * sustainable.get(t.name)!) / Math.max(1, direct)).toFixed(0)}% of direct)`}`,
      )
      .join(', ')}; load average ${load1()}.`,
  );

  say('');
  const first = new Map<string, { p50Ms: number; p99Ms: number; failed: number }>();
  for (const target of targets) {
    first.set(
      target.name,
      await measureFirstToken({
        url: target.url,
        body: bodyOf(target.model, true),
        headers: target.headers,
        count: 500,
        rate: 200,
      }),
    );
  }
  const d = first.get('direct')!;
  say(
    `Streaming time to first token at 200 req/s (500 streams): ${targets
      .map((t) => {
        const f = first.get(t.name)!;
        const extra = t.name === 'direct' ? '' : `, added p50 ${ms(f.p50Ms - d.p50Ms)} ms`;
        return `${t.name} p50 ${ms(f.p50Ms)} / p99 ${ms(f.p99Ms)} ms${extra} (failed ${f.failed})`;
      })
      .join('; ')}.`,
  );

  say('');
  say(
    `| gateway | RSS at start MiB | after the load MiB | with open streams MiB | streams open | KiB per open stream |`,
  );
  say('| --- | --- | --- | --- | --- | --- |');
  const perStream = new Map<string, number>();
  for (const target of gateways) {
    const idle = rssMiB(target.pid!);
    const held = await holdStreams({
      url: target.url,
      body: bodyOf(target.heldModel, true),
      headers: target.headers,
      count: OPEN_STREAMS,
      timeoutMs: 30_000,
    });
    const holding = rssMiB(target.pid!);
    const kib = held.open > 0 ? ((holding - idle) * 1024) / held.open : Number.NaN;
    perStream.set(target.name, kib);
    say(
      `| ${target.name} | ${startRss.get(target.name)!.toFixed(0)} | ${idle.toFixed(0)} | ${holding.toFixed(0)} | ${held.open} of ${OPEN_STREAMS} | ${Number.isFinite(kib) ? kib.toFixed(1) : 'n/a'} |`,
    );
    await held.close();
  }
  say('');
  say(`Load average at the end ${load1()}.`);

  mkdirSync(outDir, { recursive: true });
  const colors: Record<string, string> = {
    direct: '#718096',
    'minimal proxy': '#a0aec0',
    understudy: '#2b6cb0',
    portkey: '#c05621',
  };
  const latencySvg = groupedBarChart({
    title: 'Latency added over direct-to-upstream (ms, lower is better)',
    unit: 'ms',
    log: true,
    groups: RATES.flatMap((rate) => [`p50 @ ${rate}/s`, `p99 @ ${rate}/s`]),
    series: [floor, ...gateways].map((t) => ({
      name: t.name,
      color: colors[t.name]!,
      values: added.get(t.name)!.flatMap((a) => [Math.max(a.p50, 0.001), Math.max(a.p99, 0.001)]),
    })),
    width: 860,
  });
  const throughputSvg = groupedBarChart({
    title: 'Highest sustainable rate, one process (req/s, higher is better)',
    unit: 'req/s',
    groups: ['sustainable rate'],
    series: targets.map((t) => ({
      name: t.name,
      color: colors[t.name]!,
      values: [sustainable.get(t.name)!],
    })),
    width: 480,
  });
  writeFileSync(`${outDir}/gateway-latency.svg`, latencySvg);
  writeFileSync(`${outDir}/gateway-throughput.svg`, throughputSvg);
  writeFileSync(`${outDir}/gateway.md`, `${lines.join('\n')}\n`);
  console.log(`\nwrote ${outDir}/gateway.md, gateway-latency.svg, gateway-throughput.svg`);
  console.log(JSON.stringify({ cpu: Object.fromEntries(cpu), perStream: Object.fromEntries(perStream) }));
  gateway.child.kill();
  proxy.child.kill();
  portkey?.child.kill();
  upstream.child.kill();
}

if (process.argv[2] === '--serve') await serve(process.argv[3] as Role, process.argv[4] || undefined);
else await main();
