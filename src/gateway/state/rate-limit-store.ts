/**
 * Rate limits for the gateway: how many requests (or tokens) a client key may spend per window.
 *
 * The algorithm is a sliding-window counter: each key keeps the total of the current fixed window and of
 * the one before it, and the previous window's total counts in proportion to how much of it still lies
 * inside the sliding window. It needs two numbers per key (memory stays bounded however hot a key is),
 * never lets a burst at a window edge double the limit the way a plain fixed window does, and is the same
 * few lines of arithmetic in TypeScript here and in the Redis Lua script, so both stores decide alike.
 */

/** The answer to one `hit`: whether it may go ahead, what is left, and how long to wait when not. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Budget left in the sliding window after this hit (0 when denied and nothing is left). */
  remaining: number;
  /** 0 when allowed; otherwise how long until a hit of the same cost would be allowed. */
  retryAfterMs: number;
}

/**
 * Where the gateway counts what each client key has spent. A denied hit is not counted (unless `always`),
 * so a client that keeps knocking while blocked does not push its own unblocking further away. A hit whose cost alone is
 * above the limit can never pass; it is denied with `retryAfterMs` = one window.
 *
 * @example
 * const decision = await store.hit({ key: `rpm:${keyId}`, windowMs: 60_000, cost: 1, limit: 600 });
 * if (!decision.allowed) reply429(Math.ceil(decision.retryAfterMs / 1000));
 */
export interface RateLimitStore {
  hit(hit: RateLimitHit): Promise<RateLimitDecision>;
  /** Releases timers and connections; the store answers from memory afterwards. */
  close(): Promise<void>;
}

/**
 * One hit: `cost` spent on `key` against a budget of `limit` per sliding `windowMs`. One value, since
 * every store passes it on whole (to the in-memory fallback, over IPC) and four numbers in a row are
 * easy to pass in the wrong order.
 */
export interface RateLimitHit {
  key: string;
  windowMs: number;
  cost: number;
  limit: number;
  /**
   * Count the cost even when the hit is over the limit: for what was already spent (an answer's output
   * tokens, charged after it was sent), which must weigh on the next requests. The decision still says
   * whether it fitted.
   */
  always?: boolean | undefined;
}

/** The two counters kept per key. `window` is `floor(now / windowMs)` of the current window. */
export interface SlidingWindowCounters {
  window: number;
  current: number;
  previous: number;
}

/**
 * Decides one hit against a key's counters at time `nowMs`, returning the decision and the counters to
 * store (unchanged when denied). Pure, so the in-memory store, the Redis script's twin and the tests all
 * share it.
 *
 * @example
 * const { decision, next } = slidingWindowHit(undefined, Date.now(), { windowMs: 60_000, cost: 1, limit: 10 });
 * // decision.allowed === true, decision.remaining === 9
 */
export function slidingWindowHit(
  counters: SlidingWindowCounters | undefined,
  nowMs: number,
  hit: Omit<RateLimitHit, 'key'>,
): { decision: RateLimitDecision; next: SlidingWindowCounters } {
  const { windowMs, cost, limit } = hit;
  const window = Math.floor(nowMs / windowMs);
  const elapsed = nowMs - window * windowMs;
  let current = 0;
  let previous = 0;
  if (counters?.window === window) {
    current = counters.current;
    previous = counters.previous;
  } else if (counters?.window === window - 1) {
    previous = counters.current;
  }
  const weighted = (previous * (windowMs - elapsed)) / windowMs + current;
  if (cost <= limit && weighted + cost <= limit) {
    const next = { window, current: current + cost, previous };
    return {
      decision: { allowed: true, remaining: Math.floor(limit - weighted - cost), retryAfterMs: 0 },
      next,
    };
  }
  const decision = {
    allowed: false,
    remaining: Math.max(0, Math.floor(limit - weighted)),
    retryAfterMs: retryAfter(hit, elapsed, current, previous),
  };
  return { decision, next: { window, current: hit.always ? current + cost : current, previous } };
}

// How long until the decaying previous window (and later the current one, once it becomes the previous)
// has shrunk enough for `cost` to fit. Mirrored line for line in the Lua script.
function retryAfter(
  hit: Omit<RateLimitHit, 'key'>,
  elapsed: number,
  current: number,
  previous: number,
): number {
  const { windowMs, cost, limit } = hit;
  if (cost > limit) return windowMs;
  const roomWithoutPrevious = limit - current - cost;
  if (roomWithoutPrevious >= 0 && previous > 0) {
    // Within this window: wait until previous * (W - e - d) / W <= room.
    return Math.max(1, Math.ceil(windowMs - elapsed - (roomWithoutPrevious * windowMs) / previous));
  }
  // The current total alone is too much: wait for the next window, then for it to decay as the previous.
  const untilNextWindow = windowMs - elapsed;
  const decay = current > 0 ? Math.max(0, windowMs - ((limit - cost) * windowMs) / current) : 0;
  return Math.max(1, Math.ceil(untilNextWindow + decay));
}

/**
 * A `RateLimitStore` in this process's memory: the default for a single gateway process, and the fallback
 * the Redis store answers from while Redis is away. Keys idle for two windows are swept so memory follows
 * the number of active clients, not every client ever seen.
 *
 * @example
 * const store = new InMemoryRateLimitStore();
 * await store.hit({ key: 'rpm:ab12', windowMs: 60_000, cost: 1, limit: 2 }); // { allowed: true, remaining: 1, retryAfterMs: 0 }
 */
export class InMemoryRateLimitStore implements RateLimitStore {
  readonly #counters = new Map<string, SlidingWindowCounters & { windowMs: number }>();
  readonly #now: () => number;
  #lastSweep = 0;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  hit(hit: RateLimitHit): Promise<RateLimitDecision> {
    return Promise.resolve(this.hitNow(hit));
  }

  /** The same decision, synchronously: the Redis store calls it when Redis cannot answer. */
  hitNow(hit: RateLimitHit): RateLimitDecision {
    const now = this.#now();
    this.#sweep(now);
    const { decision, next } = slidingWindowHit(this.#counters.get(hit.key), now, hit);
    if (decision.allowed || hit.always) this.#counters.set(hit.key, { ...next, windowMs: hit.windowMs });
    return decision;
  }

  /** How many keys are held (for tests and the status page). */
  get size(): number {
    return this.#counters.size;
  }

  close(): Promise<void> {
    this.#counters.clear();
    return Promise.resolve();
  }

  #sweep(now: number): void {
    // At most once a second, and only over the map: cheap next to a request.
    if (now - this.#lastSweep < 1000) return;
    this.#lastSweep = now;
    for (const [key, counters] of this.#counters) {
      if (Math.floor(now / counters.windowMs) - counters.window >= 2) this.#counters.delete(key);
    }
  }
}
