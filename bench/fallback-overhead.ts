/**
 * What FallbackModel adds to a request: the same in-process model that answers at once, called bare and
 * through a FallbackModel (attempt engine, breaker, attribution, pricing). Reports the added time per
 * request (median and p99 of per-request times) and the added heap per request.
 *
 * Run: node bench/fallback-overhead.ts   (Node 24; about 5 seconds)
 */

import type { ModelMessage } from '../src/core/messages.ts';
import { userPrompt } from '../src/core/messages.ts';
import type { Model } from '../src/core/model.ts';
import { FallbackModel } from '../src/fallback/fallback-model.ts';
import { InstantModel } from './instant-model.ts';

const messages: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello')] }];

const bare = new InstantModel();
const wrapped = new FallbackModel(bare, new InstantModel());
const BUDGET_MS = 4_000;
const BATCH = 1_000;

async function perRequestTimes(model: Model, budgetMs: number): Promise<number[]> {
  const times: number[] = [];
  const end = performance.now() + budgetMs;
  while (performance.now() < end && times.length < 2_000_000) {
    for (let i = 0; i < BATCH; i++) {
      const start = process.hrtime.bigint();
      await model.request(messages);
      times.push(Number(process.hrtime.bigint() - start) / 1000);
    }
  }
  return times.sort((a, b) => a - b);
}

/** Heap growth per request over batches short enough to fit between collections; the median batch. */
async function heapPerRequest(model: Model): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < 50; round++) {
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200; i++) await model.request(messages);
    const grown = process.memoryUsage().heapUsed - before;
    if (grown > 0) samples.push(grown / 200);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;

// Warm-up: let the JIT settle on both paths.
await perRequestTimes(bare, 500);
await perRequestTimes(wrapped, 500);

const bareTimes = await perRequestTimes(bare, BUDGET_MS / 2);
const wrappedTimes = await perRequestTimes(wrapped, BUDGET_MS / 2);
const bareHeap = await heapPerRequest(bare);
const wrappedHeap = await heapPerRequest(wrapped);

const row = (name: string, times: number[], heap: number) =>
  `| ${name} | ${times.length} | ${quantile(times, 0.5).toFixed(2)} | ${quantile(times, 0.99).toFixed(2)} | ${Math.round(heap)} |`;
console.log(`Node ${process.version}, ${process.platform}/${process.arch}`);
console.log('| path | requests | median µs | p99 µs | heap bytes/request |');
console.log('|---|---:|---:|---:|---:|');
console.log(row('bare model', bareTimes, bareHeap));
console.log(row('FallbackModel(model, model)', wrappedTimes, wrappedHeap));
console.log(
  `added per request: median ${(quantile(wrappedTimes, 0.5) - quantile(bareTimes, 0.5)).toFixed(2)} µs, ` +
    `p99 ${(quantile(wrappedTimes, 0.99) - quantile(bareTimes, 0.99)).toFixed(2)} µs, ` +
    `heap ${Math.round(wrappedHeap - bareHeap)} bytes`,
);
