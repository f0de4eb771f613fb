/**
 * The one load tool every benchmark in bench/ uses: an open-loop generator that sends requests at a
 * constant rate whatever the server does: a slow answer never delays the next request (the "coordinated
 * omission" mistake of closed-loop tools), so a server that falls behind shows it in p99 and in requests
 * left unfinished. Sends happen on a 1 ms tick; each latency is timed from its own send, so the tick's
 * granularity does not blur sub-millisecond differences.
 *
 * @example
 * const result = await runOpenLoop({ url: 'http://127.0.0.1:8787/v1/chat/completions', body, rate: 1000, durationMs: 5000 });
 * console.log(result.p50Ms, result.p99Ms, result.achievedRate);
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface OpenLoopOptions {
  url: string;
  /** JSON text sent as the POST body. */
  body: string;
  headers?: Record<string, string>;
  /** Requests per second to send. */
  rate: number;
  durationMs: number;
  /** Keep-alive connections to open (default 64). */
  connections?: number;
  /** Give up on requests still outstanding this long after the last one was due (default 5 s). */
  drainMs?: number;
}

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  /** Requests that had not finished when the drain time ran out. */
  unfinished: number;
  achievedRate: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Percentile of sorted values (nearest rank). */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const pool = new Pool(target.origin, { connections: options.connections ?? 64, pipelining: 1 });
  const headers = { 'content-type': 'application/json', ...options.headers };
  const total = Math.round((options.rate * options.durationMs) / 1000);
  // Requests that never finish count as infinitely slow, so they push the percentiles up.
  const latencies = new Float64Array(total).fill(Number.POSITIVE_INFINITY);
  let done = 0;
  let ok = 0;
  let failed = 0;
  let sent = 0;
  const intervalMs = 1000 / options.rate;
  const start = performance.now();
  let finishedAt = start;

  const fire = (index: number): void => {
    const sentAt = performance.now();
    pool
      .request({ path: target.pathname, method: 'POST', headers, body: options.body })
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode === 200) ok++;
        else failed++;
      })
      .catch(() => {
        failed++;
      })
      .finally(() => {
        const now = performance.now();
        latencies[index] = now - sentAt;
        finishedAt = now;
        done++;
      });
  };

  await new Promise<void>((resolve) => {
    // A 1 ms tick sends every request that has come due; the due time, not the tick, starts its clock.
    const timer = setInterval(() => {
      const now = performance.now();
      while (sent < total) {
        const dueAt = start + sent * intervalMs;
        if (dueAt > now) break;
        fire(sent);
        sent++;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });

  const drainUntil = performance.now() + (options.drainMs ?? 5000);
  while (done < total && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 5));
  const unfinished = total - done;
  await pool.destroy();

  const sorted = latencies.sort();
  const elapsedS = (finishedAt - start) / 1000;
  return {
    sent,
    ok,
    failed,
    unfinished,
    achievedRate: done / elapsedS,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: percentile(sorted, 100),
  };
}

/**
 * The highest rate a server sustains: steps the open-loop rate up until the server stops keeping up
 * (fewer than 98% of requests answered in time, or p99 over `p99LimitMs`), and returns the last rate
 * that held.
 */
export async function findSustainableRate(
  options: Omit<OpenLoopOptions, 'rate'> & { rates: number[]; p99LimitMs?: number },
): Promise<{ rate: number; result: LoadResult | undefined }> {
  let best: { rate: number; result: LoadResult | undefined } = { rate: 0, result: undefined };
  for (const rate of options.rates) {
    const result = await runOpenLoop({ ...options, rate, drainMs: 1000 });
    const held =
      result.ok >= result.sent * 0.98 &&
      result.p99Ms <= (options.p99LimitMs ?? 50) &&
      result.achievedRate >= rate * 0.95;
    if (!held) break;
    best = { rate, result };
  }
  return best;
}
