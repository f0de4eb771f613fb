/**
 * Keeps what the live status page shows, fed only from the gateway's events: per route and per model,
 * requests per minute, success rate, p50/p99 latency, fallbacks and cost over a rolling window, plus each
 * breaker's state. Memory is bounded: rows are capped (later names fold into `other`) and each row is a
 * fixed ring (see RollingStats).
 */
import type { EventEmitter } from 'node:events';
import type { BreakerChanged, GatewayEventMap, RequestFinished } from '../events.ts';
import { attemptModelId, attemptUpstream, countFallbacks } from '../metrics/attempt-facts.ts';
import { BoundedLabel, OTHER_LABEL } from '../metrics/bounded-label.ts';
import { RollingStats, type RowStats } from './rolling-stats.ts';

/** A model's row: its stats (over its attempts), and the key and state of the breaker that judges it. */
export interface ModelStats extends RowStats {
  /** The breaker's key, as in `breakers`, /health and /metrics' `key` label. */
  breakerKey: string;
  breaker: string;
}

/** Everything the page shows, as `GET /status.json` serves it. */
export interface StatusSnapshot {
  generatedAt: number;
  uptimeSeconds: number;
  windowSeconds: number;
  totals: RowStats;
  /** Requests finished in each second of the window, oldest first. */
  perSecond: number[];
  routes: RowStats[];
  models: ModelStats[];
  breakers: Array<{ key: string; state: string; since: number }>;
}

/** Options of `StatusCollector`. */
export interface StatusCollectorOptions {
  /** Rolling window of the rates and percentiles, in seconds. Default 60. */
  windowSeconds?: number;
  /** Rows kept per table before new names fold into `other`. Default 100. */
  maxRows?: number;
  /** Breaker states known before any event (e.g. `SharedHealthStore.entries()` at start). */
  initialBreakers?: Iterable<[string, string]>;
  /** Epoch ms; injectable for tests. */
  clock?: () => number;
}

/**
 * Subscribes to the gateway's events and answers `snapshot()` for the status page.
 *
 * @example
 * const collector = new StatusCollector(gateway.events);
 * collector.snapshot().routes[0]?.requestsPerMinute;
 */
export class StatusCollector {
  readonly #events: EventEmitter<GatewayEventMap>;
  readonly #clock: () => number;
  readonly #window: number;
  readonly #startedAt: number;
  readonly #totals: RollingStats;
  readonly #routes = new Map<string, RollingStats>();
  readonly #models = new Map<string, RollingStats>();
  readonly #routeNames: BoundedLabel;
  readonly #modelNames: BoundedLabel;
  readonly #breakers = new Map<string, { state: string; since: number }>();
  /** Each model row's breaker key, as its attempts carried it: rows are named by model id, breakers not. */
  readonly #rowBreakerKeys = new Map<string, string>();
  readonly #maxRows: number;

  constructor(events: EventEmitter<GatewayEventMap>, options: StatusCollectorOptions = {}) {
    this.#events = events;
    this.#clock = options.clock ?? Date.now;
    this.#window = options.windowSeconds ?? 60;
    this.#maxRows = options.maxRows ?? 100;
    this.#routeNames = new BoundedLabel(this.#maxRows);
    this.#modelNames = new BoundedLabel(this.#maxRows);
    this.#startedAt = this.#clock();
    this.#totals = new RollingStats('all', this.#window);
    for (const [key, state] of options.initialBreakers ?? [])
      this.#breakers.set(key, { state, since: this.#startedAt });
    events.on('request-finished', this.#onRequest);
    events.on('breaker-changed', this.#onBreaker);
  }

  snapshot(): StatusSnapshot {
    const now = this.#clock();
    const byName = (a: RowStats, b: RowStats) => a.name.localeCompare(b.name);
    return {
      generatedAt: now,
      uptimeSeconds: Math.floor((now - this.#startedAt) / 1000),
      windowSeconds: this.#window,
      totals: this.#totals.snapshot(now),
      perSecond: this.#totals.perSecond(now),
      routes: [...this.#routes.values()].map((row) => row.snapshot(now)).sort(byName),
      models: [...this.#models.values()]
        .map((row) => {
          const breakerKey = this.#rowBreakerKeys.get(row.name) ?? row.name;
          return {
            ...row.snapshot(now),
            breakerKey,
            breaker: this.#breakers.get(breakerKey)?.state ?? 'closed',
          };
        })
        .sort(byName),
      breakers: [...this.#breakers]
        .map(([key, { state, since }]) => ({ key, state, since }))
        .sort((a, b) => a.key.localeCompare(b.key)),
    };
  }

  /** Stops listening to the gateway's events. */
  close(): void {
    this.#events.off('request-finished', this.#onRequest);
    this.#events.off('breaker-changed', this.#onBreaker);
  }

  readonly #onRequest = (event: RequestFinished): void => {
    const now = this.#clock();
    const ok = event.status < 400 && event.errorKind === undefined;
    const fallbacks = countFallbacks(event.attempts);
    const entry = { ok, latencyMs: event.latencyMs, fallbacks, cost: event.cost };
    this.#totals.add(now, entry);
    this.#row(this.#routes, this.#routeNames.of(event.route)).add(now, entry);
    for (let i = 0; i < event.attempts.length; i++) {
      const attempt = event.attempts[i];
      if (!attempt || attempt.outcome === 'skipped' || attempt.outcome === 'cancelled') continue;
      const name = this.#modelNames.of(attemptModelId(attempt));
      const row = this.#row(this.#models, name);
      if (name !== OTHER_LABEL) this.#rowBreakerKeys.set(name, attemptUpstream(attempt));
      // The engine may price only the request; then the served attempt carries the request's cost.
      const served = attempt.outcome === 'ok' && attemptModelId(attempt) === event.servedModel;
      const cost = attempt.cost ?? (served ? event.cost : undefined);
      row.add(now, { ok: attempt.outcome === 'ok', latencyMs: attempt.durationMs, cost });
      // The route moved away from this model: count it on the model it left.
      const next = event.attempts[i + 1];
      if (next && attemptUpstream(next) !== attemptUpstream(attempt)) row.addFallback(now);
    }
  };

  readonly #onBreaker = (change: BreakerChanged): void => {
    if (!this.#breakers.has(change.key) && this.#breakers.size >= this.#maxRows * 2) return;
    this.#breakers.set(change.key, { state: change.to, since: this.#clock() });
  };

  #row(rows: Map<string, RollingStats>, name: string): RollingStats {
    let row = rows.get(name);
    if (!row) {
      row = new RollingStats(name, this.#window);
      rows.set(name, row);
    }
    return row;
  }
}
