/**
 * What the status page shows for one route or model, kept in fixed memory: per-second counters over the
 * last window (a ring of one-second buckets) and a ring of the latest latency samples. Old seconds are
 * overwritten, never accumulated, so a row costs the same after a minute or a month.
 */

/** One row of the status page, as served in /status.json. */
export interface RowStats {
  name: string;
  /** Since the gateway started. */
  requests: number;
  /** Over the last minute (the window scaled to a minute when the window is not one). */
  requestsPerMinute: number;
  /** ok / (ok + failed) over the window; null when nothing finished in it. */
  successRate: number | null;
  /** Latency percentiles of the window's samples (ms); null without samples. */
  p50Ms: number | null;
  p99Ms: number | null;
  /** Fallbacks in the window. */
  fallbacks: number;
  /** USD since the gateway started (only where the price is known). */
  cost: number;
}

const SAMPLE_CAPACITY = 512;

/**
 * Counters and latency samples of one row. `now` is epoch ms, passed in so tests (and one snapshot of
 * many rows) use one clock reading.
 *
 * @example
 * const stats = new RollingStats('chat', 60);
 * stats.add(Date.now(), { ok: true, latencyMs: 120, fallbacks: 0, cost: 0.001 });
 * stats.snapshot(Date.now()).p50Ms; // 120
 */
export class RollingStats {
  readonly name: string;
  readonly #seconds: number;
  readonly #stamp: Float64Array;
  readonly #ok: Float64Array;
  readonly #failed: Float64Array;
  readonly #fallbacks: Float64Array;
  readonly #sampleAt = new Float64Array(SAMPLE_CAPACITY);
  readonly #sampleMs = new Float64Array(SAMPLE_CAPACITY);
  #samples = 0;
  #requests = 0;
  #cost = 0;

  constructor(name: string, windowSeconds: number) {
    this.name = name;
    this.#seconds = windowSeconds;
    this.#stamp = new Float64Array(windowSeconds).fill(-1);
    this.#ok = new Float64Array(windowSeconds);
    this.#failed = new Float64Array(windowSeconds);
    this.#fallbacks = new Float64Array(windowSeconds);
  }

  /** Records one finished request (or attempt). `latencyMs` undefined: counted but not sampled. */
  add(
    now: number,
    entry: { ok: boolean; latencyMs?: number | undefined; fallbacks?: number; cost?: number | undefined },
  ): void {
    const slot = this.#slot(now);
    if (entry.ok) this.#ok[slot] = (this.#ok[slot] as number) + 1;
    else this.#failed[slot] = (this.#failed[slot] as number) + 1;
    this.#fallbacks[slot] = (this.#fallbacks[slot] as number) + (entry.fallbacks ?? 0);
    this.#requests++;
    if (entry.cost !== undefined) this.#cost += entry.cost;
    if (entry.latencyMs !== undefined) {
      const index = this.#samples % SAMPLE_CAPACITY;
      this.#sampleAt[index] = now;
      this.#sampleMs[index] = entry.latencyMs;
      this.#samples++;
    }
  }

  /** Adds fallbacks without a request (a model the route moved away from). */
  addFallback(now: number): void {
    const slot = this.#slot(now);
    this.#fallbacks[slot] = (this.#fallbacks[slot] as number) + 1;
  }

  // The bucket of `now`'s second, emptied first if it still holds the same slot from an older lap.
  #slot(now: number): number {
    const second = Math.floor(now / 1000);
    const slot = second % this.#seconds;
    if (this.#stamp[slot] !== second) {
      this.#stamp[slot] = second;
      this.#ok[slot] = 0;
      this.#failed[slot] = 0;
      this.#fallbacks[slot] = 0;
    }
    return slot;
  }

  /** Requests finished in each of the window's seconds, oldest first (for the page's sparkline). */
  perSecond(now: number): number[] {
    const second = Math.floor(now / 1000);
    const counts: number[] = [];
    for (let s = second - this.#seconds + 1; s <= second; s++) {
      const slot = s % this.#seconds;
      counts.push(this.#stamp[slot] === s ? (this.#ok[slot] as number) + (this.#failed[slot] as number) : 0);
    }
    return counts;
  }

  snapshot(now: number): RowStats {
    const oldest = Math.floor(now / 1000) - this.#seconds + 1;
    let ok = 0;
    let failed = 0;
    let fallbacks = 0;
    for (let slot = 0; slot < this.#seconds; slot++) {
      if ((this.#stamp[slot] as number) < oldest) continue;
      ok += this.#ok[slot] as number;
      failed += this.#failed[slot] as number;
      fallbacks += this.#fallbacks[slot] as number;
    }
    const latencies: number[] = [];
    const since = now - this.#seconds * 1000;
    for (let i = 0; i < Math.min(this.#samples, SAMPLE_CAPACITY); i++) {
      if ((this.#sampleAt[i] as number) > since) latencies.push(this.#sampleMs[i] as number);
    }
    latencies.sort((a, b) => a - b);
    const finished = ok + failed;
    return {
      name: this.name,
      requests: this.#requests,
      requestsPerMinute: Math.round((finished * 60) / this.#seconds),
      successRate: finished === 0 ? null : ok / finished,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      fallbacks,
      cost: this.#cost,
    };
  }
}

// Nearest rank: the smallest sample with at least p of the samples at or below it.
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
}
