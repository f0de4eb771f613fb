/**
 * Breaker records as they travel between gateway processes: the resilience `HealthRecord` plus
 * `changedAt`, the epoch ms of its last state change. Processes that lost touch (Redis went away, a worker
 * restarted) converge by keeping, for each key, the record changed last. The pure functions here are the
 * one definition of what `record` and `transition` do to a record; every shared store applies them.
 */
import type { BreakerState, HealthRecord } from '../../resilience/health-store.ts';

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
 * Outcomes a shared record keeps at most. The breaker's ratio then covers the latest outcomes of the
 * window rather than all of them, which keeps a busy model's record small enough to ship on every
 * request.
 */
export const DEFAULT_MAX_RECENT_OUTCOMES = 256;

/** A closed breaker that has seen nothing. */
export function freshHealthRecord(): VersionedHealthRecord {
  return {
    record: { state: 'closed', consecutiveFailures: 0, until: 0, lastFailureAt: 0, recent: [] },
    changedAt: 0,
  };
}

/**
 * Adds one outcome in place: drops outcomes that left the window, appends this one (keeping at most
 * `maxRecent`), and counts consecutive failures. The state is never changed here; only `transition` does.
 *
 * @example
 * const entry = freshHealthRecord();
 * applyOutcome(entry, { failed: true, at: 1000, windowMs: 60_000 });
 * // entry.record.consecutiveFailures === 1
 */
export function applyOutcome(
  entry: VersionedHealthRecord,
  outcome: HealthOutcome,
  maxRecent = DEFAULT_MAX_RECENT_OUTCOMES,
): void {
  const record = entry.record;
  const since = outcome.at - outcome.windowMs;
  let drop = 0;
  while (drop < record.recent.length && (record.recent[drop] as [number, 0 | 1])[0] <= since) drop++;
  if (record.recent.length + 1 - drop > maxRecent) drop = record.recent.length + 1 - maxRecent;
  if (drop > 0) record.recent.splice(0, drop);
  record.recent.push([outcome.at, outcome.failed ? 1 : 0]);
  if (outcome.failed) {
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

/** A deep copy, so callers can never change a store's record through what it returned. */
export function copyHealthRecord(record: HealthRecord): HealthRecord {
  return {
    state: record.state,
    consecutiveFailures: record.consecutiveFailures,
    until: record.until,
    lastFailureAt: record.lastFailureAt,
    recent: record.recent.map(([at, failed]) => [at, failed]),
  };
}

/** Checks the shape of a record that arrived from another process (IPC or Redis): never trust, verify. */
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
