import { describe, expect, it } from 'vitest';
import {
  applyOutcome,
  applyTransition,
  freshHealthRecord,
  type VersionedHealthRecord,
} from '../../../src/gateway/state/health-record.ts';
import {
  type HealthBackend,
  type HealthBackendListener,
  SharedHealthStore,
} from '../../../src/gateway/state/shared-health-store.ts';

/** A backend in memory that can be switched off, as Redis or the primary going away. */
class FakeBackend implements HealthBackend {
  available = true;
  failing = false;
  readonly records = new Map<string, VersionedHealthRecord>();
  listener: HealthBackendListener | undefined;

  #check(): void {
    if (this.failing) throw new Error('backend timed out');
  }
  #entry(key: string): VersionedHealthRecord {
    const entry = this.records.get(key) ?? freshHealthRecord();
    this.records.set(key, entry);
    return entry;
  }
  async record(key: string, outcome: { failed: boolean; at: number; windowMs: number }) {
    this.#check();
    const entry = this.#entry(key);
    applyOutcome(entry, outcome);
    return structuredClone(entry);
  }
  async transition(key: string, from: never, to: never, changedAt: number) {
    this.#check();
    const entry = this.#entry(key);
    const moved = applyTransition(entry, from, to, changedAt);
    return { moved, entry: structuredClone(entry) };
  }
  async merge(key: string, entry: VersionedHealthRecord) {
    this.#check();
    const current = this.records.get(key);
    if (current && current.changedAt >= entry.changedAt) return structuredClone(current);
    this.records.set(key, structuredClone(entry));
    return structuredClone(entry);
  }
  async snapshot() {
    this.#check();
    return new Map([...this.records].map(([key, entry]) => [key, structuredClone(entry)]));
  }
  listen(listener: HealthBackendListener) {
    this.listener = listener;
  }
  async close() {}
}

const closed = { state: 'closed', until: 0 } as const;

describe('SharedHealthStore', () => {
  it('answers from its mirror and adopts pushed changes unless it holds a later one', async () => {
    const backend = new FakeBackend();
    const changes: string[] = [];
    const store = new SharedHealthStore(backend, {
      resyncIntervalMs: 0,
      clock: () => 500,
      onRemoteChange: (c) => changes.push(`${c.key}:${c.from}->${c.to}`),
    });
    expect(await store.get('m')).toBeUndefined();
    const pushed = freshHealthRecord();
    pushed.record.state = 'open';
    pushed.record.until = 9000;
    pushed.changedAt = 400;
    backend.listener?.changed('m', pushed);
    expect((await store.get('m'))?.state).toBe('open');
    // An older change arriving late is ignored.
    backend.listener?.changed('m', { ...freshHealthRecord(), changedAt: 300 });
    expect((await store.get('m'))?.state).toBe('open');
    expect(changes).toEqual(['m:closed->open']);
    // What get() returns is a copy.
    const copy = await store.get('m');
    if (copy) copy.state = 'closed';
    expect((await store.get('m'))?.state).toBe('open');
  });

  it('falls back to local state when the backend fails, then pushes the later change when it is back', async () => {
    const backend = new FakeBackend();
    let now = 1000;
    const errors: unknown[] = [];
    const store = new SharedHealthStore(backend, {
      resyncIntervalMs: 0,
      clock: () => now,
      onBackendError: (e) => errors.push(e),
    });
    backend.failing = true;
    expect((await store.record('m', { failed: true, at: now, windowMs: 60_000 })).consecutiveFailures).toBe(
      1,
    );
    expect(await store.transition('m', closed, { state: 'open', until: 5000 })).toBe(true);
    expect(errors).toHaveLength(2);
    expect(backend.records.size).toBe(0);
    // Meanwhile another process changed a different breaker in the backend.
    backend.failing = false;
    backend.records.set('other', { ...freshHealthRecord(), changedAt: 10 });
    backend.available = false;
    now = 2000;
    expect(await store.transition('m', { state: 'open', until: 5000 }, { state: 'open', until: 8000 })).toBe(
      true,
    );
    backend.available = true;
    await store.resync();
    expect(backend.records.get('m')).toEqual({
      record: {
        state: 'open',
        consecutiveFailures: 1,
        until: 8000,
        lastFailureAt: 1000,
        recent: [[0, 1, 1]],
      },
      changedAt: 2000,
    });
    expect(store.entries().map(([key, record]) => [key, record.state])).toEqual([
      ['m', 'open'],
      ['other', 'closed'],
    ]);
  });

  it('keeps the backend record when it changed later than the local one', async () => {
    const backend = new FakeBackend();
    const store = new SharedHealthStore(backend, { resyncIntervalMs: 0, clock: () => 100 });
    backend.available = false;
    await store.transition('m', closed, { state: 'open', until: 1000 });
    const newer = freshHealthRecord();
    newer.changedAt = 200; // closed again by another process, later
    backend.records.set('m', newer);
    backend.available = true;
    await store.resync();
    expect((await store.get('m'))?.state).toBe('closed');
    expect(backend.records.get('m')?.changedAt).toBe(200);
  });

  it('gives each transition a changedAt later than the one it replaces, even with a clock behind', async () => {
    const backend = new FakeBackend();
    const store = new SharedHealthStore(backend, { resyncIntervalMs: 0, clock: () => 50 });
    backend.listener?.changed('m', { ...freshHealthRecord(), changedAt: 900 });
    await store.transition('m', closed, { state: 'open', until: 10 });
    expect(backend.records.get('m')?.changedAt).toBe(901);
  });
});
