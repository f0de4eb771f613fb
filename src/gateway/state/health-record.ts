/**
 * Breaker records as they travel between gateway processes: the resilience `HealthRecord` plus
 * `changedAt`, the epoch ms of its last state change. Processes that lost touch (Redis went away, a worker
 * restarted) converge by keeping, for each key, the record changed last. The pure functions here are the
 * one definition of what `record` and `transition` do to a record; every shared store applies them.
 */
import type { BreakerState, HealthRecord } from '../../fallback/breaker/health-store.ts';

/** A breaker record with the time of its last state change, for last-writer-wins convergence. */
export interface VersionedHealthRecord {
  record: HealthRecord;
  changedAt: number;
}

/** One outcome to add, as the resilience `HealthStore.record` takes it. */
export interface HealthOutcome {
  failed: boolean;
  at: number;
  windowMs: number;
}

/** The `from`/`to` of a compare-and-set transition. */
export interface BreakerPosition {
  state: BreakerState;
  until: number;
}

/**
 * A closed breaker that has seen nothing.
 *
 * @example
 * freshHealthRecord().record.state; // 'closed'
 */
export function freshHealthRecord(): VersionedHealthRecord {
  return {
    record: { state: 'closed', consecutiveFailures: 0, until: 0, lastFailureAt: 0, recent: [] },
    changedAt: 0,
  };
}

/**
 * Adds one outcome in place, as the resilience `InMemoryHealthStore` does: the window is kept as tenths
 * (`[bucket start, requests, failures]`), buckets that left the window are dropped, and consecutive
 * failures are counted. An outcome older than the newest bucket (another process's clock running a
 * little behind) is counted in the newest bucket, so buckets stay in order. The state never changes
 * here; only `transition` changes it.
 *
 * @example
 * const entry = freshHealthRecord();
 * applyOutcome(entry, { failed: true, at: 1000, windowMs: 60_000 });
 * // entry.record.recent -> [[0, 1, 1]], consecutiveFailures === 1
 */
export function applyOutcome(entry: VersionedHealthRecord, outcome: HealthOutcome): void {
  const record = entry.record;
  const bucketMs = Math.max(1, Math.floor(outcome.windowMs / 10));
  const bucket = outcome.at - (outcome.at % bucketMs);
  const since = outcome.at - outcome.windowMs;
  let drop = 0;
  while (
    drop < record.recent.length &&
    (record.recent[drop] as [number, number, number])[0] + bucketMs <= since
  )
    drop++;
  if (drop > 0) record.recent.splice(0, drop);
  let last = record.recent.at(-1);
  if (!last || last[0] < bucket) {
    last = [bucket, 0, 0];
    record.recent.push(last);
  }
  last[1]++;
  if (outcome.failed) {
    last[2]++;
    record.consecutiveFailures++;
    record.lastFailureAt = outcome.at;
  } else {
    record.consecutiveFailures = 0;
  }
}

/**
 * The compare-and-set of `HealthStore.transition`, in place: moves only if the record is still at `from`.
 * Closing clears the history. Returns whether it moved.
 *
 * @example
 * applyTransition(entry, { state: 'closed', until: 0 }, { state: 'open', until: now + 30_000 }, now); // true
 */
export function applyTransition(
  entry: VersionedHealthRecord,
  from: BreakerPosition,
  to: BreakerPosition,
  changedAt: number,
): boolean {
  const record = entry.record;
  if (record.state !== from.state || record.until !== from.until) return false;
  record.state = to.state;
  record.until = to.until;
  if (to.state === 'closed') {
    record.consecutiveFailures = 0;
    record.recent = [];
  }
  entry.changedAt = changedAt;
  return true;
}

/**
 * A deep copy, so callers can never change a store's record through what it returned.
 *
 * @example
 * return copyHealthRecord(entry.record);
 */
export function copyHealthRecord(record: HealthRecord): HealthRecord {
  return {
    state: record.state,
    consecutiveFailures: record.consecutiveFailures,
    until: record.until,
    lastFailureAt: record.lastFailureAt,
    recent: record.recent.map(([at, requests, failures]) => [at, requests, failures]),
  };
}

/**
 * Checks the shape of a record that arrived from another process (IPC or Redis): never trust, verify.
 *
 * @example
 * if (isVersionedHealthRecord(message.entry)) mirror.set(message.key, message.entry);
 */
export function isVersionedHealthRecord(value: unknown): value is VersionedHealthRecord {
  if (typeof value !== 'object' || value === null) return false;
  const { record, changedAt } = value as { record?: unknown; changedAt?: unknown };
  if (typeof changedAt !== 'number' || typeof record !== 'object' || record === null) return false;
  const r = record as Partial<HealthRecord>;
  return (
    (r.state === 'closed' || r.state === 'open' || r.state === 'half-open') &&
    typeof r.consecutiveFailures === 'number' &&
    typeof r.until === 'number' &&
    typeof r.lastFailureAt === 'number' &&
    Array.isArray(r.recent)
  );
}
