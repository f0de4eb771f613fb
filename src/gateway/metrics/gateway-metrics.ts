/**
 * Prometheus metrics for the gateway, fed only from its events ('request-finished', 'breaker-changed',
 * 'key-removed'), so the request path pays nothing for them beyond emitting the event. Label values that
 * come from requests (routes, models, error kinds) are capped: see BoundedLabel.
 */
import cluster from 'node:cluster';
import type { EventEmitter } from 'node:events';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { KeyRemoved } from '../../fallback/group/key-pool.ts';
import type { BreakerChanged, GatewayEventMap, RequestFinished } from '../events.ts';
import type { ExtraRoute } from '../server/http-types.ts';
import { attemptModelId, countFallbacks } from './attempt-facts.ts';
import { BoundedLabel } from './bounded-label.ts';
import { ClusterMetricsClient, type MetricsChannel } from './cluster-metrics.ts';
import { CounterTally, HistogramTally } from './metric-tally.ts';

/** Options of `createGatewayMetrics`; the defaults suit one gateway process. */
export interface GatewayMetricsOptions {
  /** Registry to fill; a new one by default (never prom-client's global one). */
  registry?: Registry;
  /** Distinct model ids kept as label values before new ones count as `other`. Default 200. */
  maxModels?: number;
  /** Distinct routes kept as label values. Default 100. */
  maxRoutes?: number;
  /** Also export Node's process metrics (CPU, memory, event-loop lag). Default true. */
  processMetrics?: boolean;
  /**
   * In a `startCluster` worker, /metrics answers for the whole cluster through the primary. Default: the
   * worker's IPC channel when this process is a cluster worker; `false` for this process alone.
   */
  cluster?: MetricsChannel | false;
}

/** The registry, the `/metrics` route to mount, and `close()` to stop listening. */
export interface GatewayMetrics {
  registry: Registry;
  route: ExtraRoute;
  close(): void;
}

// Seconds. Latency spans a cached answer (ms) to a long generation (minutes).
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const TTFT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

/** Gauge value of each breaker state: higher is worse, so alerts can say `> 0`. */
export const BREAKER_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Subscribes Prometheus metrics to the gateway's events and returns the `/metrics` route.
 *
 * @example
 * const metrics = createGatewayMetrics(gateway.events);
 * await startGateway({ config, extraRoutes: [metrics.route] }); // GET /metrics
 */
export function createGatewayMetrics(
  events: EventEmitter<GatewayEventMap>,
  options: GatewayMetricsOptions = {},
): GatewayMetrics {
  const registry = options.registry ?? new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'understudy_' });
  const models = new BoundedLabel(options.maxModels ?? 200);
  const routes = new BoundedLabel(options.maxRoutes ?? 100);
  const errorKinds = new BoundedLabel(32, 40);
  // A breaker key holds the base URL, often past the 120 characters a model id gets; cut, it would no
  // longer match the key /health and the status page show.
  const breakers = new BoundedLabel(options.maxModels ?? 200, 1024);
  // Groups, deployments and key fingerprints come from the config, not from requests; capped all the same.
  const deployments = new BoundedLabel(options.maxModels ?? 200);
  const keys = new BoundedLabel(options.maxModels ?? 200, 20);
  const registers = [registry];

  const requests = new Counter({
    name: 'understudy_requests_total',
    help: 'Requests the gateway answered, by route, client API and HTTP status.',
    labelNames: ['route', 'api', 'status'] as const,
    collect: flushTallies,
    registers,
  });
  const attempts = new Counter({
    name: 'understudy_attempts_total',
    help: 'Upstream attempts, by model, outcome (ok, error, rejected, skipped, cancelled) and error kind.',
    labelNames: ['model', 'outcome', 'error_kind'] as const,
    collect: flushTallies,
    registers,
  });
  const deploymentAttempts = new Counter({
    name: 'understudy_deployment_attempts_total',
    help: 'Attempts on balanced groups and key pools, by group, deployment, key fingerprint and outcome.',
    labelNames: ['group', 'deployment', 'key', 'outcome'] as const,
    registers,
  });
  const keysRemoved = new Counter({
    name: 'understudy_keys_removed_total',
    help: 'Pooled upstream keys taken out for failing auth, by deployment and key fingerprint.',
    labelNames: ['deployment', 'key'] as const,
    registers,
  });
  const fallbacks = new Counter({
    name: 'understudy_fallbacks_total',
    help: 'Times a request moved on to another model, by route.',
    labelNames: ['route'] as const,
    registers,
  });
  const failures = new Counter({
    name: 'understudy_request_failures_total',
    help: 'Requests that failed (every attempt failed, or a stream broke after it started), by route and error kind.',
    labelNames: ['route', 'error_kind'] as const,
    registers,
  });
  const breakerState = new Gauge({
    name: 'understudy_breaker_state',
    help: 'Circuit breaker state per breaker key: 0 closed, 1 half-open, 2 open.',
    labelNames: ['key'] as const,
    // Across cluster workers the worst state seen, not the sum.
    aggregator: 'max',
    registers,
  });
  const latency = new Histogram({
    name: 'understudy_request_duration_seconds',
    help: 'Time from request to the last byte of the answer, by route and client API.',
    labelNames: ['route', 'api', 'stream'] as const,
    buckets: LATENCY_BUCKETS,
    collect: flushTallies,
    registers,
  });
  const timeToFirstToken = new Histogram({
    name: 'understudy_time_to_first_token_seconds',
    help: 'Streams: time from request to the first content byte sent to the client.',
    labelNames: ['route', 'api'] as const,
    buckets: TTFT_BUCKETS,
    collect: flushTallies,
    registers,
  });
  const tokens = new Counter({
    name: 'understudy_tokens_total',
    help: 'Tokens of served requests, by served model and direction (input, output).',
    labelNames: ['model', 'direction'] as const,
    collect: flushTallies,
    registers,
  });
  const cost = new Counter({
    name: 'understudy_cost_usd_total',
    help: 'Cost in USD of served requests whose price is known, by served model.',
    labelNames: ['model'] as const,
    collect: flushTallies,
    registers,
  });

  // The updates every request makes, held until a scrape or the next second (see metric-tally.ts).
  const requestsTally = new CounterTally(requests);
  const attemptsTally = new CounterTally(attempts);
  const tokensTally = new CounterTally(tokens);
  const costTally = new CounterTally(cost);
  const latencyTally = new HistogramTally(latency);
  const timeToFirstTokenTally = new HistogramTally(timeToFirstToken);
  function flushTallies(): void {
    requestsTally.flush();
    attemptsTally.flush();
    tokensTally.flush();
    costTally.flush();
    latencyTally.flush();
    timeToFirstTokenTally.flush();
  }
  const flushTimer = setInterval(flushTallies, 1_000);
  flushTimer.unref();

  const onRequest = (event: RequestFinished): void => {
    const route = routes.of(event.route);
    const api = event.api;
    const status = String(event.status);
    requestsTally.add(`${route}\u0000${api}\u0000${status}`, { route, api, status });
    const stream = event.stream ? 'true' : 'false';
    latencyTally.observe(
      `${route}\u0000${api}\u0000${stream}`,
      { route, api, stream },
      event.latencyMs / 1000,
    );
    if (event.timeToFirstTokenMs !== undefined) {
      timeToFirstTokenTally.observe(`${route}\u0000${api}`, { route, api }, event.timeToFirstTokenMs / 1000);
    }
    for (const attempt of event.attempts) {
      const model = models.of(attemptModelId(attempt));
      const outcome = attempt.outcome;
      const kind = attempt.errorKind === undefined ? 'none' : errorKinds.of(attempt.errorKind);
      attemptsTally.add(`${model}\u0000${outcome}\u0000${kind}`, { model, outcome, error_kind: kind });
      if (attempt.deployment !== undefined || attempt.keyFingerprint !== undefined) {
        deploymentAttempts.inc({
          group: deployments.of(attempt.group ?? 'none'),
          deployment: deployments.of(attempt.deployment ?? attemptModelId(attempt)),
          key: attempt.keyFingerprint === undefined ? 'none' : keys.of(attempt.keyFingerprint),
          outcome: attempt.outcome,
        });
      }
    }
    const moved = countFallbacks(event.attempts);
    if (moved > 0) fallbacks.inc({ route }, moved);
    if (event.errorKind !== undefined) failures.inc({ route, error_kind: errorKinds.of(event.errorKind) });
    if (event.servedModel !== undefined) {
      const model = models.of(event.servedModel);
      if (event.usage) {
        tokensTally.add(`${model}\u0000input`, { model, direction: 'input' }, event.usage.inputTokens);
        tokensTally.add(`${model}\u0000output`, { model, direction: 'output' }, event.usage.outputTokens);
      }
      if (event.cost !== undefined) costTally.add(model, { model }, event.cost);
    }
  };
  const onBreaker = (change: BreakerChanged): void => {
    const value = BREAKER_STATE_VALUE[change.to as keyof typeof BREAKER_STATE_VALUE];
    if (value !== undefined) breakerState.set({ key: breakers.of(change.key) }, value);
  };
  const onKeyRemoved = (removed: KeyRemoved): void => {
    keysRemoved.inc({ deployment: deployments.of(removed.deployment), key: keys.of(removed.keyFingerprint) });
  };
  events.on('request-finished', onRequest);
  events.on('breaker-changed', onBreaker);
  events.on('key-removed', onKeyRemoved);
  const channel = options.cluster ?? (cluster.isWorker ? (process as MetricsChannel) : false);
  const source = channel ? new ClusterMetricsClient(registry, channel) : registry;

  return {
    registry,
    route: {
      method: 'GET',
      path: '/metrics',
      async handle(_req, res) {
        const body = await source.metrics();
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(body);
      },
    },
    close() {
      clearInterval(flushTimer);
      flushTallies();
      events.off('request-finished', onRequest);
      events.off('breaker-changed', onBreaker);
      events.off('key-removed', onKeyRemoved);
    },
  };
}
