/**
 * What a balanced group or a key pool adds to a call, against a plain FallbackModel in the same run: the
 * same in-process models answering at once, called as FallbackModel(model, model) and as
 * FallbackModel(group of two, model) for each strategy, and FallbackModel(pool of two keys, model); and
 * a 50-event stream plain and through a latency group (whose deployments count each stream's first event
 * and end). Paths are interleaved in rounds so that load from other processes falls on all of them alike;
 * the ratio to the plain chain is the figure to read.
 *
 * Run: node bench/group-overhead.ts   (Node 24; about 20 seconds)
 */

import type { ModelMessage } from '../src/core/messages.ts';
import { userPrompt } from '../src/core/messages.ts';
import type { Model } from '../src/core/model.ts';
import { FallbackModel } from '../src/fallback/fallback-model.ts';
import type { BalanceStrategy } from '../src/fallback/group/balance-strategy.ts';
import { KeyPool } from '../src/fallback/group/key-pool.ts';
import { ModelGroup } from '../src/fallback/group/model-group.ts';
import { FunctionModel } from '../src/testing/function.ts';
import { InstantModel } from './instant-model.ts';

const messages: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello')] }];

const instant = (n: number) =>
  new InstantModel({ name: 'openai', baseUrl: `http://deployment-${n}.invalid/v1` });
const group = (strategy: BalanceStrategy) => new ModelGroup([instant(1), instant(2)], { strategy });
const streaming = (name: string) =>
  new FunctionModel(undefined, {
    modelName: name,
    stream: async function* () {
      for (let i = 0; i < 50; i++) yield 'token ';
    },
  });

type Path = { name: string; run: () => Promise<unknown> };
const call =
  (model: Model): Path['run'] =>
  () =>
    model.request(messages);
const stream =
  (model: Model): Path['run'] =>
  async () => {
    const response = await model.requestStream(messages);
    for await (const _ of response) {
      // drain
    }
  };

const paths: Path[] = [
  { name: 'FallbackModel(model, model)', run: call(new FallbackModel(instant(1), instant(3))) },
  {
    name: 'FallbackModel(weighted group, model)',
    run: call(new FallbackModel(group('weighted'), instant(3))),
  },
  {
    name: 'FallbackModel(least-busy group, model)',
    run: call(new FallbackModel(group('least-busy'), instant(3))),
  },
  { name: 'FallbackModel(latency group, model)', run: call(new FallbackModel(group('latency'), instant(3))) },
  { name: 'FallbackModel(cost group, model)', run: call(new FallbackModel(group('cost'), instant(3))) },
  {
    name: 'FallbackModel(key pool of 2, model)',
    run: call(
      new FallbackModel(
        new KeyPool([
          new InstantModel({ name: 'openai', baseUrl: 'http://pool.invalid/v1', keyFingerprint: 'key-a' }),
          new InstantModel({ name: 'openai', baseUrl: 'http://pool.invalid/v1', keyFingerprint: 'key-b' }),
        ]),
        instant(3),
      ),
    ),
  },
  {
    name: 'stream of 50 events: FallbackModel(model, model)',
    run: stream(new FallbackModel(streaming('s1'), streaming('s3'))),
  },
  {
    name: 'stream of 50 events: FallbackModel(latency group, model)',
    run: stream(
      new FallbackModel(
        new ModelGroup([streaming('s1'), streaming('s2')], { strategy: 'latency' }),
        streaming('s3'),
      ),
    ),
  },
];

const ROUNDS = 8;
const SLICE_MS = 250;
const times = new Map<string, number[]>(paths.map((path) => [path.name, []]));

async function slice(path: Path, ms: number, into: number[] | undefined): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) {
      const start = process.hrtime.bigint();
      await path.run();
      into?.push(Number(process.hrtime.bigint() - start) / 1000);
    }
  }
}

for (const path of paths) await slice(path, 300, undefined); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const path of paths) await slice(path, SLICE_MS, times.get(path.name));
}

/** Heap growth per call over batches short enough to fit between collections; the median batch. */
async function heapPerCall(path: Path): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < 40; round++) {
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100; i++) await path.run();
    const grown = process.memoryUsage().heapUsed - before;
    if (grown > 0) samples.push(grown / 100);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}
const heap = new Map<string, number>();
for (const path of paths) heap.set(path.name, await heapPerCall(path));

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
console.log(
  `Node ${process.version}, ${process.platform}/${process.arch}, ${ROUNDS} interleaved rounds of ${SLICE_MS} ms per path`,
);
console.log('| path | calls | median µs | p99 µs | median vs plain | heap bytes/call |');
console.log('|---|---:|---:|---:|---:|---:|');
let plainMedian = 0;
let plainStreamMedian = 0;
for (const path of paths) {
  const sorted = times.get(path.name)!.sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const isStream = path.name.startsWith('stream');
  if (path === paths[0]) plainMedian = median;
  if (isStream && plainStreamMedian === 0) plainStreamMedian = median;
  const base = isStream ? plainStreamMedian : plainMedian;
  console.log(
    `| ${path.name} | ${sorted.length} | ${median.toFixed(2)} | ${quantile(sorted, 0.99).toFixed(2)} | ${(median / base).toFixed(2)}× (+${(median - base).toFixed(2)} µs) | ${Math.round(heap.get(path.name)!)} |`,
  );
}
