/**
 * A resilience `HealthStore` shared by several gateway processes. Each process keeps a mirror of every
 * breaker in memory; `get` (asked on every request) reads the mirror and never waits on anything.
 * `record` and `transition` go to the shared backend (Redis, or the cluster primary), whose answer
 * refreshes the mirror; other processes' state changes arrive pushed by the backend. When the backend
 * cannot answer, the same operations run on the mirror, and once it is back every process pushes what it
 * changed meanwhile and the record changed last wins — so a request never fails because shared state is
 * away, and the fleet converges when it returns.
 */
import type { BreakerState, HealthRecord, HealthStore } from '../../fallback/breaker/health-store.ts';
import {
  applyOutcome,
  applyTransition,
  type BreakerPosition,
  copyHealthRecord,
  freshHealthRecord,
  type HealthOutcome,
  type VersionedHealthRecord,
} from './health-record.ts';

/** What a shared backend tells its store: another process changed a breaker, or the link came back. */
export interface HealthBackendListener {
  changed(key: string, entry: VersionedHealthRecord): void;
  reconnected(): void;
}

/**
 * The shared half of a `SharedHealthStore`: where the authoritative records live. Every method may
 * reject (the store then answers locally); none is called while `available` is false.
 */
export interface HealthBackend {
  readonly available: boolean;
  record(key: string, outcome: HealthOutcome): Promise<VersionedHealthRecord>;
  transition(
    key: string,
    from: BreakerPosition,
    to: BreakerPosition,
    changedAt: number,
  ): Promise<{ moved: boolean; entry: VersionedHealthRecord }>;
  /** Keeps `entry` if it changed later than the backend's record; returns the record that won. */
  merge(key: string, entry: VersionedHealthRecord): Promise<VersionedHealthRecord>;
  snapshot(): Promise<Map<string, VersionedHealthRecord>>;
  listen(listener: HealthBackendListener): void;
  close(): Promise<void>;
}

/** A breaker moved by another process, as this process learnt it. */
export interface RemoteBreakerChange {
  key: string;
  from: BreakerState;
  to: BreakerState;
}

/** Options of every shared store. */
export interface SharedHealthStoreOptions {
  /** Epoch ms for `changedAt`; injectable for tests. */
  clock?: () => number;
  /** A full resync this often, as a safety net under the pushed changes (ms; 0 = never). Default 10 s. */
  resyncIntervalMs?: number;
  /** Told when another process moved a breaker (the gateway can emit 'breaker-changed' from it). */
  onRemoteChange?: (change: RemoteBreakerChange) => void;
  /** Told when the backend fails and the store falls back to local state (for a rate-limited log). */
  onBackendError?: (error: unknown) => void;
}

/**
 * See the file comment. Usually built through `RedisHealthStore` or the cluster's `IpcHealthStore`.
 *
 * @example
 * const store = new SharedHealthStore(backend);
 * const breaker = new CircuitBreaker({ store });
 */
export class SharedHealthStore implements HealthStore {
  readonly #backend: HealthBackend;
  readonly #mirror = new Map<string, VersionedHealthRecord>();
  readonly #clock: () => number;
  readonly #options: SharedHealthStoreOptions;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #remoteListeners = new Set<(change: RemoteBreakerChange) => void>();
  #resyncing: Promise<void> | undefined;
  #resyncAgain = false;

  constructor(backend: HealthBackend, options: SharedHealthStoreOptions = {}) {
    this.#backend = backend;
    this.#clock = options.clock ?? Date.now;
    this.#options = options;
    backend.listen({
      changed: (key, entry) => this.#adopt(key, entry, true),
      reconnected: () => void this.resync(),
    });
    if (options.onRemoteChange) this.#remoteListeners.add(options.onRemoteChange);
    const every = options.resyncIntervalMs ?? 10_000;
    if (every > 0) {
      this.#timer = setInterval(() => void this.resync(), every);
      this.#timer.unref();
    }
  }

  async get(key: string): Promise<HealthRecord | undefined> {
    const entry = this.#mirror.get(key);
    return entry ? copyHealthRecord(entry.record) : undefined;
  }

  async record(key: string, outcome: HealthOutcome): Promise<HealthRecord> {
    if (this.#backend.available) {
      try {
        const entry = await this.#backend.record(key, outcome);
        this.#adopt(key, entry, false);
        return copyHealthRecord(entry.record);
      } catch (error) {
        this.#options.onBackendError?.(error);
      }
    }
    const entry = this.#local(key);
    applyOutcome(entry, outcome);
    return copyHealthRecord(entry.record);
  }

  async transition(key: string, from: BreakerPosition, to: BreakerPosition): Promise<boolean> {
    const changedAt = Math.max(this.#clock(), (this.#mirror.get(key)?.changedAt ?? 0) + 1);
    if (this.#backend.available) {
      try {
        const { moved, entry } = await this.#backend.transition(key, from, to, changedAt);
        this.#adopt(key, entry, false);
        return moved;
      } catch (error) {
        this.#options.onBackendError?.(error);
      }
    }
    return applyTransition(this.#local(key), from, to, changedAt);
  }

  /**
   * Calls `listener` whenever another process moves a breaker (the status page and /metrics use it to
   * show the fleet's state, not only this process's). Returns the function that stops it.
   */
  observeRemoteChanges(listener: (change: RemoteBreakerChange) => void): () => void {
    this.#remoteListeners.add(listener);
    return () => this.#remoteListeners.delete(listener);
  }

  /** Every breaker this process knows, as last seen (for /health and the status page). */
  entries(): Array<[string, HealthRecord]> {
    return [...this.#mirror].map(([key, entry]) => [key, copyHealthRecord(entry.record)]);
  }

  /**
   * Pushes every local record to the backend (the later change wins there) and takes in the backend's
   * records this process has not seen. Runs on reconnection and on a timer; concurrent calls coalesce.
   */
  resync(): Promise<void> {
    if (this.#resyncing) {
      this.#resyncAgain = true;
      return this.#resyncing;
    }
    this.#resyncing = (async () => {
      do {
        this.#resyncAgain = false;
        await this.#resyncOnce();
      } while (this.#resyncAgain);
    })().finally(() => {
      this.#resyncing = undefined;
    });
    return this.#resyncing;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#backend.close();
  }

  async #resyncOnce(): Promise<void> {
    if (!this.#backend.available) return;
    try {
      for (const [key, entry] of [...this.#mirror]) {
        this.#adopt(key, await this.#backend.merge(key, entry), true);
      }
      for (const [key, entry] of await this.#backend.snapshot()) this.#adopt(key, entry, true);
    } catch (error) {
      // Lost the backend half-way: the next reconnection starts the resync again.
      this.#options.onBackendError?.(error);
    }
  }

  #local(key: string): VersionedHealthRecord {
    let entry = this.#mirror.get(key);
    if (!entry) {
      entry = freshHealthRecord();
      this.#mirror.set(key, entry);
    }
    return entry;
  }

  // Takes a record from the backend unless the mirror holds a later change. Same-time records are taken
  // too: the backend's answer is fresher in its counters than what the mirror had.
  #adopt(key: string, entry: VersionedHealthRecord, remote: boolean): void {
    const current = this.#mirror.get(key);
    if (current && current.changedAt > entry.changedAt) return;
    const before = current?.record.state ?? 'closed';
    this.#mirror.set(key, { record: copyHealthRecord(entry.record), changedAt: entry.changedAt });
    if (remote && before !== entry.record.state) {
      for (const listener of this.#remoteListeners) listener({ key, from: before, to: entry.record.state });
    }
  }
}
