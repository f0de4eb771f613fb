/**
 * Leak checks for the reliability tests: what the process holds open (sockets, listening servers,
 * timers, file descriptors) before a group of calls, and a wait that fails unless it all comes back.
 * Sockets close asynchronously (a FIN has to travel, a handle has to be freed on the next loop turn), so
 * the check polls for a short while instead of looking once.
 */
import { readdirSync } from 'node:fs';

/** The handle types a leak shows up as; the worker's own IPC pipes and stdio are left out. */
const WATCHED = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'TLSWrap', 'FSEventWrap'] as const;

/** Counts of the watched handle types plus the open file descriptors. */
export type ResourceCounts = Record<(typeof WATCHED)[number] | 'fds', number>;

/** Open file descriptors of this process (Linux); -1 where /proc is absent. */
export function openFileDescriptors(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

/** What the process holds open now. */
export function resourceCounts(): ResourceCounts {
  const counts = Object.fromEntries([...WATCHED, 'fds'].map((name) => [name, 0])) as ResourceCounts;
  for (const type of process.getActiveResourcesInfo()) {
    if ((WATCHED as readonly string[]).includes(type)) counts[type as (typeof WATCHED)[number]]++;
  }
  counts.fds = openFileDescriptors();
  return counts;
}

/** The types whose count is above the baseline's. */
function excess(baseline: ResourceCounts, now: ResourceCounts): string[] {
  return (Object.keys(baseline) as Array<keyof ResourceCounts>)
    .filter((name) => now[name] > baseline[name])
    .map((name) => `${name}: ${baseline[name]} → ${now[name]}`);
}

/**
 * Resolves once every watched count is back at or below `baseline`; rejects after `withinMs` naming what
 * stayed open. Polls every 10 ms.
 *
 * @example
 * const baseline = resourceCounts();
 * // ... start servers, make calls, close everything ...
 * await expectResourcesBack(baseline);
 */
export async function expectResourcesBack(baseline: ResourceCounts, withinMs = 2000): Promise<void> {
  const started = performance.now();
  let left = excess(baseline, resourceCounts());
  while (left.length > 0) {
    if (performance.now() - started > withinMs) {
      throw new Error(`resources left open after ${withinMs} ms: ${left.join(', ')}`);
    }
    await pause(10);
    left = excess(baseline, resourceCounts());
  }
}

/**
 * Waits `ms`, then one more loop turn: a promise resolved from a timer's callback runs while that timer
 * is still being retired, and would count itself as an open Timeout.
 */
async function pause(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  await new Promise((resolve) => setImmediate(resolve));
}
