/**
 * Skips a model that keeps failing, and lets one probe through after a cooldown to see if it is back.
 * Opens after N consecutive failures, or when the failure ratio in a rolling window passes a threshold
 * (once the window has enough requests), or at once on an auth failure or a Retry-After beyond the cap.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 10_000 });
 * if ((await breaker.admit(key)) !== 'skip') { ...call...; await breaker.onSuccess(key); }
 */
import type { ErrorKind } from '../../core/errors/index.ts';
import { type BreakerState, type HealthStore, InMemoryHealthStore } from './health-store.ts';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /** Rolling window for the failure ratio. Default 60 s. */
  windowMs?: number;
  /** Failure ratio in the window that opens the breaker. Default 0.5. */
  errorRatio?: number;
  /** Outcomes the window must hold before the ratio counts. Default 10. */
  minRequests?: number;
  /** How long an open breaker skips the model. Default 30 s. */
  cooldownMs?: number;
  store?: HealthStore;
  /** Epoch ms; injectable for tests. Default Date.now. */
  clock?: () => number;
  onChange?: (change: BreakerChange) => void;
}

/** A breaker changed state: `key` is the model's breaker key. */
export interface BreakerChange {
  key: string;
  from: BreakerState;
  to: BreakerState;
}

/** `pass`: closed, go. `probe`: the one trial call after a cooldown. `skip`: open, do not call. */
export type Admission = 'pass' | 'probe' | 'skip';

// Failures that say something about the request, not about the model's health.
const NOT_HEALTH: ReadonlySet<string> = new Set(['bad_request', 'context_length', 'content_filter']);

export class CircuitBreaker {
  readonly store: HealthStore;
  private readonly failureThreshold: number;
  private readonly windowMs: number;
  private readonly errorRatio: number;
  private readonly minRequests: number;
  private readonly cooldownMs: number;
  private readonly clock: () => number;
  private readonly onChange: ((change: BreakerChange) => void) | undefined;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.errorRatio = options.errorRatio ?? 0.5;
    this.minRequests = options.minRequests ?? 10;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.store = options.store ?? new InMemoryHealthStore();
    this.clock = options.clock ?? Date.now;
    this.onChange = options.onChange;
  }

  /**
   * A breaker with other thresholds over this one's store, clock and change listener. A route with its
   * own breaker options still judges the one record per breaker key that every view reads, and its
   * changes are reported like any other; a breaker built apart would move state nobody hears about.
   */
  withOptions(thresholds: Omit<CircuitBreakerOptions, 'store' | 'clock' | 'onChange'>): CircuitBreaker {
    const options: CircuitBreakerOptions = { ...thresholds, store: this.store, clock: this.clock };
    if (this.onChange) options.onChange = this.onChange;
    return new CircuitBreaker(options);
  }

  /** Whether a call to this model may go ahead now; takes the probe's lease when it is the probe. */
  async admit(key: string): Promise<Admission> {
    const record = await this.store.get(key);
    if (!record || record.state === 'closed') return 'pass';
    const now = this.clock();
    // An open breaker past its cooldown, or a probe whose lease ran out without a verdict, admits one probe.
    if (now < record.until) return 'skip';
    const from = { state: record.state, until: record.until };
    if (await this.store.transition(key, from, { state: 'half-open', until: now + this.cooldownMs })) {
      this.changed(key, record.state, 'half-open');
      return 'probe';
    }
    return 'skip';
  }

  async onSuccess(key: string): Promise<void> {
    const record = await this.store.record(key, { failed: false, at: this.clock(), windowMs: this.windowMs });
    if (record.state !== 'closed') await this.move(key, record, 'closed', 0);
  }

  /**
   * Records a failure. `openForMs` (a Retry-After past the cap) opens the breaker for that long at once.
   */
  async onFailure(key: string, kind: ErrorKind | 'unknown', openForMs?: number): Promise<void> {
    if (NOT_HEALTH.has(kind)) return;
    const now = this.clock();
    const record = await this.store.record(key, { failed: true, at: now, windowMs: this.windowMs });
    let cooldown: number | undefined;
    if (openForMs !== undefined) cooldown = openForMs;
    else if (record.state === 'half-open' || kind === 'auth') cooldown = this.cooldownMs;
    else if (record.state === 'closed' && this.tripped(record.consecutiveFailures, record.recent)) {
      cooldown = this.cooldownMs;
    }
    if (cooldown !== undefined) await this.move(key, record, 'open', now + cooldown);
  }

  /** Epoch ms of the model's last failure (0 if none): picks the model to try when all are open. */
  async lastFailureAt(key: string): Promise<number> {
    return (await this.store.get(key))?.lastFailureAt ?? 0;
  }

  private tripped(consecutive: number, recent: Array<[number, number, number]>): boolean {
    if (consecutive >= this.failureThreshold) return true;
    let requests = 0;
    let failures = 0;
    for (const [, count, failed] of recent) {
      requests += count;
      failures += failed;
    }
    return requests >= this.minRequests && failures / requests >= this.errorRatio;
  }

  private async move(
    key: string,
    record: { state: BreakerState; until: number },
    to: BreakerState,
    until: number,
  ): Promise<void> {
    const moved = await this.store.transition(
      key,
      { state: record.state, until: record.until },
      { state: to, until },
    );
    if (moved && record.state !== to) this.changed(key, record.state, to);
  }

  private changed(key: string, from: BreakerState, to: BreakerState): void {
    this.onChange?.({ key, from, to });
  }
}
