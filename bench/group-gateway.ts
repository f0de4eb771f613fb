/**
 * A balanced group and a key pool through the gateway, against a plain model route in the same gateway
 * process, loaded interleaved (bench/load/open-loop.ts) at a constant rate so that every target shares
 * the machine's noise: added latency p50/p99 of each over the plain route. The upstream (a chaos server)
 * and the gateway each run in their own process; every group deployment and pooled key points at the
 * same upstream, so only the gateway's work differs.
 *
 * Run: node_modules/.bin/node bench/group-gateway.ts [--rate 1000] [--rounds 5] [--seconds 2]   (Node 24)
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type LoadResult, percentile, runInterleaved } from './load/open-loop.ts';
import { serveChild } from './load/serve-child.ts';

const SELF = fileURLToPath(import.meta.url);

if (process.argv[2] === '--serve') {
  process.on('disconnect', () => process.exit(0));
  if (process.argv[3] === 'upstream') {
    const { startChaosServer } = await import('../src/chaos/index.ts');
    process.send?.({ url: (await startChaosServer({ protocol: 'openai' })).url });
  } else {
    const baseUrl = process.argv[4]!;
    const { startGateway } = await import('../src/gateway/index.ts');
    const gateway = await startGateway({
      config: {
        providers: {
          up: { type: 'openai', baseUrl },
          up2: { type: 'openai', baseUrl },
          pool: { type: 'openai', baseUrl, apiKeys: [{ env: 'BENCH_KEY_1' }, { env: 'BENCH_KEY_2' }] },
        },
        groups: {
          weighted: { strategy: 'weighted', deployments: ['up:gpt-4o', 'up2:gpt-4o'] },
          latency: { strategy: 'latency', deployments: ['up:gpt-4o', 'up2:gpt-4o'] },
        },
      },
      port: 0,
      env: { BENCH_KEY_1: 'sk-bench-1', BENCH_KEY_2: 'sk-bench-2' },
      log: () => {},
    });
    process.send?.({ url: gateway.url });
  }
} else {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '5' },
      seconds: { type: 'string', default: '2' },
    },
  });
  const rate = Number(values.rate);
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);

  const start = (role: string, upstreamUrl = '') => serveChild(SELF, role, upstreamUrl);
  const bodyOf = (model: string) =>
    JSON.stringify({
      model,
      messages: [{ role: 'user', content: 'Say hello in one short sentence, please.' }],
    });

  const upstream = await start('upstream');
  const gateway = await start('gateway', upstream.url);
  const url = `${gateway.url}/v1/chat/completions`;
  const targets = [
    { name: 'plain model (up:gpt-4o)', url, body: bodyOf('up:gpt-4o') },
    { name: 'weighted group of 2', url, body: bodyOf('weighted') },
    { name: 'latency group of 2', url, body: bodyOf('latency') },
    { name: 'key pool of 2 (pool:gpt-4o)', url, body: bodyOf('pool:gpt-4o') },
  ];
  try {
    await runInterleaved({ targets, rate, durationMsPerTarget: 2000 }); // warm-up
    const added = targets.slice(1).map(() => [] as Array<{ p50: number; p99: number }>);
    const plain: Array<{ p50: number; p99: number }> = [];
    const ms = (n: number) => n.toFixed(3);
    console.log(`rate ${rate} req/s, ${rounds} rounds of ${seconds} s per target`);
    for (let round = 1; round <= rounds; round++) {
      const results: LoadResult[] = await runInterleaved({
        targets,
        rate,
        durationMsPerTarget: seconds * 1000,
      });
      const base = results[0]!;
      plain.push({ p50: base.p50Ms, p99: base.p99Ms });
      const cells = results.slice(1).map((result, i) => {
        added[i]!.push({ p50: result.p50Ms - base.p50Ms, p99: result.p99Ms - base.p99Ms });
        const failed = result.failed + result.unfinished;
        return `${targets[i + 1]!.name} ${ms(result.p50Ms - base.p50Ms)} / ${ms(result.p99Ms - base.p99Ms)}${failed ? ` (${failed} failed)` : ''}`;
      });
      console.log(
        `round ${round}: plain ${ms(base.p50Ms)} / ${ms(base.p99Ms)} ms | added: ${cells.join(' | ')}`,
      );
    }
    const median = (values: number[]) =>
      percentile(
        values.sort((a, b) => a - b),
        50,
      );
    console.log(
      `median round: plain p50 ${ms(median(plain.map((r) => r.p50)))} ms, p99 ${ms(median(plain.map((r) => r.p99)))} ms`,
    );
    targets.slice(1).forEach((target, i) => {
      const rows = added[i]!;
      console.log(
        `  ${target.name}: added p50 ${ms(median(rows.map((r) => r.p50)))} ms, p99 ${ms(median(rows.map((r) => r.p99)))} ms`,
      );
    });
  } finally {
    upstream.child.kill();
    gateway.child.kill();
  }
}
