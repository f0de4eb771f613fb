/**
 * Rate limits shared by the workers of one `understudy serve --workers N`, without Redis: the primary
 * keeps the counters (`RateLimitHub`), and each worker's `IpcRateLimitStore` asks it over the cluster's
 * IPC channel — so a key's limit holds for the whole cluster instead of once per worker. When the primary
 * does not answer in time, the worker decides from its own counters.
 */
import type { Worker } from 'node:cluster';
import {
  InMemoryRateLimitStore,
  type RateLimitDecision,
  type RateLimitHit,
  type RateLimitStore,
} from './rate-limit-store.ts';

const TAG = 'understudy:rate-limit';

interface HitRequest {
  tag: typeof TAG;
  id: number;
  hit: RateLimitHit;
}

function isHitRequest(message: unknown): message is HitRequest {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<HitRequest>;
  const hit = m.hit as Partial<RateLimitHit> | undefined;
  return (
    m.tag === TAG &&
    typeof m.id === 'number' &&
    typeof hit === 'object' &&
    hit !== null &&
    typeof hit.key === 'string' &&
    typeof hit.windowMs === 'number' &&
    hit.windowMs > 0 &&
    typeof hit.cost === 'number' &&
    typeof hit.limit === 'number'
  );
}

/**
 * The primary's side: one set of counters for every worker.
 *
 * @example
 * const limits = new RateLimitHub();
 * cluster.on('fork', (worker) => limits.serve(worker));
 */
export class RateLimitHub {
  readonly #store = new InMemoryRateLimitStore();

  serve(worker: Worker): void {
    worker.on('message', (message: unknown) => {
      if (!isHitRequest(message)) return;
      const { id, hit } = message;
      // Only the fields a hit has, with `always` as a boolean: the message came from another process.
      const { key, windowMs, cost, limit } = hit;
      const decision = this.#store.hitNow({ key, windowMs, cost, limit, always: hit.always === true });
      if (worker.isConnected()) worker.send({ tag: TAG, id, decision });
    });
  }
}

/** What a worker needs of its IPC channel (node's `process` in a cluster worker). */
export interface RateLimitChannel {
  readonly connected: boolean;
  send?(message: unknown): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * A worker's `RateLimitStore`, counting in the primary.
 *
 * @example
 * const rateLimitStore = new IpcRateLimitStore(); // in a worker forked by startCluster
 */
export class IpcRateLimitStore implements RateLimitStore {
  readonly #channel: RateLimitChannel;
  readonly #timeoutMs: number;
  readonly #local = new InMemoryRateLimitStore();
  readonly #pending = new Map<number, (decision: RateLimitDecision | undefined) => void>();
  #nextId = 1;

  constructor(channel: RateLimitChannel = process as RateLimitChannel, options: { timeoutMs?: number } = {}) {
    this.#channel = channel;
    this.#timeoutMs = options.timeoutMs ?? 250;
    channel.on('message', (message) => {
      if (typeof message !== 'object' || message === null) return;
      const { tag, id, decision } = message as { tag?: unknown; id?: unknown; decision?: RateLimitDecision };
      if (tag !== TAG || typeof id !== 'number') return;
      const valid = typeof decision?.allowed === 'boolean' && typeof decision.retryAfterMs === 'number';
      this.#pending.get(id)?.(valid ? decision : undefined);
    });
  }

  async hit(hit: RateLimitHit): Promise<RateLimitDecision> {
    if (!this.#channel.connected || !this.#channel.send) return this.#local.hitNow(hit);
    const id = this.#nextId++;
    const decision = await new Promise<RateLimitDecision | undefined>((resolve) => {
      const timer = setTimeout(() => done(undefined), this.#timeoutMs);
      timer.unref();
      const done = (value: RateLimitDecision | undefined) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(value);
      };
      this.#pending.set(id, done);
      const request: HitRequest = { tag: TAG, id, hit };
      this.#channel.send?.(request);
    });
    return decision ?? this.#local.hitNow(hit);
  }

  async close(): Promise<void> {
    for (const done of this.#pending.values()) done(undefined);
    await this.#local.close();
  }
}
