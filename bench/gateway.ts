/**
 * The gateway against direct-to-upstream, in one run, with the same load tool (bench/load/) and the
 * same chaos upstream (no added latency): added latency p50/p99 at 500, 1,000 and 2,000 req/s (open
 * loop, constant rate), the highest sustainable throughput of each, streaming time-to-first-token
 * overhead, and the gateway's RSS with 5,000 open streams. Upstream and gateway each run in their own
 * process; the load runs in this one. Bounded: about two minutes.
 *
 * Run: node_modules/.bin/node bench/gateway.ts            (Node 24)
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { holdStreams, measureFirstToken } from './load/first-token.ts';
import { findSustainableRate, type LoadResult, runOpenLoop } from './load/open-loop.ts';

const SELF = fileURLToPath(import.meta.url);
const OPEN_STREAMS = Number(process.env.BENCH_OPEN_STREAMS ?? 5000);

type Role = 'upstream' | 'gateway';

async function serve(role: Role, upstreamUrl: string | undefined): Promise<void> {
  if (role === 'upstream') {
    const { startChaosServer } = await import('../src/chaos/index.ts');
    // `held` answers one token then holds the stream open: the open-streams measurement.
    const chaos = await startChaosServer({
      protocol: 'openai',
      scenario: { models: { held: { fault: 'stall-after:1' } } },
      hangCapMs: 120_000,
    });
    process.send?.({ url: chaos.url });
  } else {
    const { startGateway } = await import('../src/gateway/index.ts');
    const gateway = await startGateway({
      config: { providers: { up: { type: 'openai', baseUrl: upstreamUrl } } },
      port: 0,
      env: {},
      log: () => {},
    });
    process.send?.({ url: gateway.url });
  }
  let profiler: import('node:inspector/promises').Session | undefined;
  process.on('message', async (message) => {
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
    if (message === 'rss') process.send?.({ rss: process.memoryUsage().rss });
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

async function cpuOf(child: ChildProcess): Promise<number> {
  child.send('cpu');
  const [message] = (await once(child, 'message')) as [{ cpuUs: number }];
  return message.cpuUs;
}

async function rssOf(child: ChildProcess): Promise<number> {
  child.send('rss');
  const [message] = (await once(child, 'message')) as [{ rss: number }];
  return message.rss;
}

const body = (model: string, stream = false) =>
  JSON.stringify({
    model,
    stream,
    messages: [{ role: 'user', content: 'Say hello in one short sentence, please.' }],
    max_tokens: 50,
  });

const ms = (n: number) => n.toFixed(3);

async function main(): Promise<void> {
  const upstream = await start('upstream');
  const gateway = await start('gateway', upstream.url);
  const directUrl = `${upstream.url}/chat/completions`;
  const gatewayUrl = `${gateway.url}/v1/chat/completions`;
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    console.log(line);
  };

  const startRss = await rssOf(gateway.child);
  // Warm both paths (JIT, connection pools) before measuring.
  await runOpenLoop({ url: directUrl, body: body('gpt-4o'), rate: 1000, durationMs: 2000 });
  await runOpenLoop({ url: gatewayUrl, body: body('up:gpt-4o'), rate: 1000, durationMs: 2000 });

  // CPU time per request, which machine load from other processes does not change: the gateway's own
  // work against the upstream's (which parses the request and writes an answer, as a minimal server does).
  const [gatewayCpu0, upstreamCpu0] = [await cpuOf(gateway.child), await cpuOf(upstream.child)];
  const cpuRun = await runOpenLoop({
    url: gatewayUrl,
    body: body('up:gpt-4o'),
    rate: 1000,
    durationMs: 5000,
  });
  const [gatewayCpu1, upstreamCpu1] = [await cpuOf(gateway.child), await cpuOf(upstream.child)];
  const answered = cpuRun.ok;
  say(
    `CPU per request at 1,000 req/s: gateway ${((gatewayCpu1 - gatewayCpu0) / answered).toFixed(0)} µs, upstream ${((upstreamCpu1 - upstreamCpu0) / answered).toFixed(0)} µs (${answered} requests).`,
  );
  say('');
  say('| rate (req/s) | direct p50 / p99 ms | gateway p50 / p99 ms | added p50 / p99 ms | gateway failed |');
  say('| --- | --- | --- | --- | --- |');
  for (const rate of [500, 1000, 2000]) {
    const direct: LoadResult = await runOpenLoop({
      url: directUrl,
      body: body('gpt-4o'),
      rate,
      durationMs: 5000,
    });
    const via: LoadResult = await runOpenLoop({
      url: gatewayUrl,
      body: body('up:gpt-4o'),
      rate,
      durationMs: 5000,
    });
    say(
      `| ${rate} | ${ms(direct.p50Ms)} / ${ms(direct.p99Ms)} | ${ms(via.p50Ms)} / ${ms(via.p99Ms)} | ${ms(via.p50Ms - direct.p50Ms)} / ${ms(via.p99Ms - direct.p99Ms)} | ${via.failed + via.unfinished} |`,
    );
  }

  const rates = [1000, 2000, 3000, 4000, 5000, 6000, 8000, 10000];
  const directMax = await findSustainableRate({
    url: directUrl,
    body: body('gpt-4o'),
    rates,
    durationMs: 3000,
  });
  const gatewayMax = await findSustainableRate({
    url: gatewayUrl,
    body: body('up:gpt-4o'),
    rates,
    durationMs: 3000,
  });
  say('');
  say(
    `Highest sustainable rate (≥98% answered, p99 ≤ 50 ms, rate held): direct ${directMax.rate} req/s, gateway ${gatewayMax.rate} req/s (${((100 * gatewayMax.rate) / Math.max(1, directMax.rate)).toFixed(0)}% of direct).`,
  );

  const directFirst = await measureFirstToken({
    url: directUrl,
    body: body('gpt-4o', true),
    count: 500,
    rate: 200,
  });
  const gatewayFirst = await measureFirstToken({
    url: gatewayUrl,
    body: body('up:gpt-4o', true),
    count: 500,
    rate: 200,
  });
  say(
    `Streaming time to first token at 200 req/s: direct p50 ${ms(directFirst.p50Ms)} / p99 ${ms(directFirst.p99Ms)} ms, gateway p50 ${ms(gatewayFirst.p50Ms)} / p99 ${ms(gatewayFirst.p99Ms)} ms (added p50 ${ms(gatewayFirst.p50Ms - directFirst.p50Ms)} ms; failed ${gatewayFirst.failed}).`,
  );

  const idleRss = await rssOf(gateway.child);
  const held = await holdStreams({
    url: gatewayUrl,
    body: body('up:held', true),
    count: OPEN_STREAMS,
    timeoutMs: 60_000,
  });
  const heldRss = await rssOf(gateway.child);
  say(
    `Gateway RSS: ${(startRss / 2 ** 20).toFixed(0)} MiB at start, ${(idleRss / 2 ** 20).toFixed(0)} MiB after the load above, ${(heldRss / 2 ** 20).toFixed(0)} MiB with ${held.open} of ${OPEN_STREAMS} streams open (${((heldRss - idleRss) / Math.max(1, held.open) / 1024).toFixed(1)} KiB per open stream).`,
  );
  await held.close();
  gateway.child.kill();
  upstream.child.kill();
}

if (process.argv[2] === '--serve') await serve(process.argv[3] as Role, process.argv[4] || undefined);
else await main();
