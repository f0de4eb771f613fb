/**
 * Where circuit-breaker state lives. The interface is small, async and made of plain JSON values so that
 * a shared store (Redis, for several gateway processes) can implement it with the same meaning as the
 * in-memory one here.
 *
 * @example
 * const store = new InMemoryHealthStore();
 * await store.record('openai:gpt-4o', { failed: true, at: Date.now(), windowMs: 60_000 });
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

/** One model's health. Plain data: safe to serialize as JSON. */
export interface HealthRecord {
  state: BreakerState;
  /** Failures since the last success. */
  consecutiveFailures: number;
  /** Open: when the cooldown ends. Half-open: when the probe's lease ends. Closed: 0. */
  until: number;
  /** Epoch ms of the last failure, 0 if none. */
  lastFailureAt: number;
  /**
   * The rolling window as tenths of it: `[bucket start epoch ms, requests, failures]`, oldest first —
   * bounded in size however busy the model is.
   */
  recent: Array<[number, number, number]>;
}

export interface HealthStore {
  get(key: string): Promise<HealthRecord | undefined>;
  /** Adds one outcome, drops outcomes older than the window, and returns the updated record. */
  record(key: string, outcome: { failed: boolean; at: number; windowMs: number }): Promise<HealthRecord>;
  /**
   * Moves the breaker to `to` only if it is still in `from.state` with `from.until` — a compare-and-set,
   * so that of several callers racing for the one half-open probe exactly one wins. Closing clears the
   * history. Returns whether it moved.
   */
  transition(
    key: string,
    from: { state: BreakerState; until: number },
    to: { state: BreakerState; until: number },
  ): Promise<boolean>;
}

function fresh(): HealthRecord {
  return { state: 'closed', consecutiveFailures: 0, until: 0, lastFailureAt: 0, recent: [] };
}

// Callers get copies, as from a remote store; structuredClone would cost more than the rest of a call.
function copy(record: HealthRecord): HealthRecord {
  return { ...record, recent: record.recent.map(([at, requests, failures]) => [at, requests, failures]) };
}

/** A HealthStore for one process. Each operation runs without interleaving, so the CAS is exact. */
export class InMemoryHealthStore implements HealthStore {
  private readonly records = new Map<string, HealthRecord>();

  async get(key: string): Promise<HealthRecord | undefined> {
    const record = this.records.get(key);
    return record ? copy(record) : undefined;
  }

  async record(
    key: string,
    outcome: { failed: boolean; at: number; windowMs: number },
  ): Promise<HealthRecord> {
    const record = this.records.get(key) ?? fresh();
    this.records.set(key, record);
    const bucketMs = Math.max(1, Math.floor(outcome.windowMs / 10));
    const bucket = outcome.at - (outcome.at % bucketMs);
    const since = outcome.at - outcome.windowMs;
    let drop = 0;
    while (drop < record.recent.length && record.recent[drop]![0] + bucketMs <= since) drop++;
    if (drop > 0) record.recent.splice(0, drop);
    let last = record.recent.at(-1);
    if (!last || last[0] !== bucket) {
      last = [bucket, 0, 0];
      record.recent.push(last);
    }
    last[1]++;
    if (outcome.failed) last[2]++;
    if (outcome.failed) {
      record.consecutiveFailures++;
      record.lastFailureAt = outcome.at;
    } else {
      record.consecutiveFailures = 0;
    }
    return copy(record);
  }

  async transition(
    key: string,
    from: { state: BreakerState; until: number },
    to: { state: BreakerState; until: number },
  ): Promise<boolean> {
    const record = this.records.get(key) ?? fresh();
    if (record.state !== from.state || record.until !== from.until) return false;
    record.state = to.state;
    record.until = to.until;
    if (to.state === 'closed') {
      record.consecutiveFailures = 0;
      record.recent = [];
    }
    this.records.set(key, record);
    return true;
  }
}
