/**
 * The one load tool every benchmark in bench/ uses: an open-loop generator that sends requests at a
 * constant rate whatever the server does: a slow answer never delays the next request (the "coordinated
 * omission" mistake of closed-loop tools), so a server that falls behind shows it in p99 and in requests
 * left unfinished. Sends happen on a 1 ms tick; each latency is timed from its own send, so the tick's
 * granularity does not blur sub-millisecond differences.
 *
 * `runInterleaved` sends the same constant rate to several targets in turn, a slice at a time, so that
 * they share the machine's noise (another VM taking the CPU, a neighbour's burst) instead of one target
 * getting a quiet minute and the next a noisy one. It also reports the CPU time the hypervisor stole
 * during each target's slices (Linux /proc/stat), which is what the tail of a sub-millisecond
 * measurement on a shared VM mostly depends on.
 *
 * @example
 * const result = await runOpenLoop({ url: 'http://127.0.0.1:8787/v1/chat/completions', body, rate: 1000, durationMs: 5000 });
 * console.log(result.p50Ms, result.p99Ms, result.achievedRate);
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/** Where requests go and what they carry. */
export interface LoadTarget {
  url: string;
  /** JSON text sent as the POST body. */
  body: string;
  headers?: Record<string, string>;
}

export interface OpenLoopOptions extends LoadTarget {
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
  /** Share of the CPU time the hypervisor gave to other machines while this target was loaded (0–1). */
  stolen: number;
}

/** Percentile of sorted values (nearest rank). */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<LoadResult> {
  const [result] = await runSchedule([options], options, () => 0);
  return result!;
}

export interface InterleavedOptions {
  targets: LoadTarget[];
  /** Requests per second, the same whichever target is being loaded. */
  rate: number;
  /** Load time each target gets in all; the run lasts this times the number of targets. */
  durationMsPerTarget: number;
  /** How long each turn lasts (default 500 ms); the order of targets rotates every round. */
  sliceMs?: number;
  connections?: number;
  drainMs?: number;
}

/** One result per target, in the order given. */
export async function runInterleaved(options: InterleavedOptions): Promise<LoadResult[]> {
  const count = options.targets.length;
  const sliceMs = options.sliceMs ?? 500;
  // Round r serves the targets starting from r mod n, so each follows every other equally often.
  const targetAt = (elapsedMs: number): number => {
    const slice = Math.floor(elapsedMs / sliceMs);
    const round = Math.floor(slice / count);
    return (slice + round) % count;
  };
  return runSchedule(
    options.targets,
    {
      rate: options.rate,
      durationMs: options.durationMsPerTarget * count,
      connections: options.connections,
      drainMs: options.drainMs,
    },
    targetAt,
  );
}

/** CPU ticks so far, all cores: [stolen, total]. */
function cpuTicks(): [number, number] {
  const fields = readFileSync('/proc/stat', 'utf8').slice(0, 200).split('\n')[0]!.trim().split(/\s+/);
  const ticks = fields.slice(1, 9).map(Number);
  return [ticks[7] ?? 0, ticks.reduce((sum, n) => sum + n, 0)];
}

interface TargetState {
  pool: Pool;
  path: string;
  headers: Record<string, string>;
  body: string;
  latencies: number[];
  ok: number;
  failed: number;
  sent: number;
  done: number;
  firstSentAt: number;
  lastDoneAt: number;
  stolenTicks: number;
  totalTicks: number;
}

/**
 * The sender behind both runners: requests fall due at a constant rate for `durationMs`; each goes to
 * the target `targetAt(elapsed)` names.
 */
async function runSchedule(
  targets: LoadTarget[],
  options: { rate: number; durationMs: number; connections?: number; drainMs?: number },
  targetAt: (elapsedMs: number) => number,
): Promise<LoadResult[]> {
  const states: TargetState[] = targets.map((target) => {
    const url = new URL(target.url);
    return {
      pool: new Pool(url.origin, { connections: options.connections ?? 64, pipelining: 1 }),
      path: url.pathname,
      headers: { 'content-type': 'application/json', ...target.headers },
      body: target.body,
      latencies: [],
      ok: 0,
      failed: 0,
      sent: 0,
      done: 0,
      firstSentAt: Number.NaN,
      lastDoneAt: Number.NaN,
      stolenTicks: 0,
      totalTicks: 0,
    };
  });
  const total = Math.round((options.rate * options.durationMs) / 1000);
  const intervalMs = 1000 / options.rate;
  const readsSteal = (() => {
    try {
      cpuTicks();
      return true;
    } catch {
      return false;
    }
  })();

  const fire = (state: TargetState): void => {
    const index = state.latencies.length;
    // Requests that never finish count as infinitely slow, so they push the percentiles up.
    state.latencies.push(Number.POSITIVE_INFINITY);
    state.sent++;
    const sentAt = performance.now();
    if (Number.isNaN(state.firstSentAt)) state.firstSentAt = sentAt;
    state.pool
      .request({ path: state.path, method: 'POST', headers: state.headers, body: state.body })
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode === 200) state.ok++;
        else state.failed++;
      })
      .catch(() => {
        state.failed++;
      })
      .finally(() => {
        const now = performance.now();
        state.latencies[index] = now - sentAt;
        state.lastDoneAt = now;
        state.done++;
      });
  };

  const start = performance.now();
  let sent = 0;
  let current = targetAt(0);
  let ticksAt = readsSteal ? cpuTicks() : [0, 0];
  // Steal is charged to the target whose turn it was when the ticks were read.
  const chargeTicks = (): void => {
    if (!readsSteal) return;
    const now = cpuTicks();
    states[current]!.stolenTicks += now[0] - ticksAt[0]!;
    states[current]!.totalTicks += now[1] - ticksAt[1]!;
    ticksAt = now;
  };
  await new Promise<void>((resolve) => {
    // A 1 ms tick sends every request that has come due; the due time, not the tick, starts its clock.
    const timer = setInterval(() => {
      const now = performance.now();
      while (sent < total) {
        const dueAt = start + sent * intervalMs;
        if (dueAt > now) break;
        const target = targetAt(dueAt - start);
        if (target !== current) {
          chargeTicks();
          current = target;
        }
        fire(states[target]!);
        sent++;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  chargeTicks();

  const drainUntil = performance.now() + (options.drainMs ?? 5000);
  const finished = () => states.every((state) => state.done === state.sent);
  while (!finished() && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 5));
  await Promise.all(states.map((state) => state.pool.destroy()));

  return states.map((state) => {
    const sorted = Float64Array.from(state.latencies).sort();
    // Interleaved targets were loaded for their share of the run: rate over their own slices.
    const share = state.sent / Math.max(1, total);
    const elapsedS = ((state.lastDoneAt - start) / 1000) * share;
    return {
      sent: state.sent,
      ok: state.ok,
      failed: state.failed,
      unfinished: state.sent - state.done,
      achievedRate: state.done / elapsedS,
      p50Ms: percentile(sorted, 50),
      p90Ms: percentile(sorted, 90),
      p99Ms: percentile(sorted, 99),
      maxMs: percentile(sorted, 100),
      stolen: state.totalTicks > 0 ? state.stolenTicks / state.totalTicks : 0,
    };
  });
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
