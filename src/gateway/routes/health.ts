/**
 * `GET /health`: liveness (it answers, so the process is up) and the state of each breaker read from the
 * HealthStore — the same store every gateway process shares when Redis is configured. Breakers are named
 * by their key (`provider:model@baseUrl`, the `key` label of /metrics and the status page) with the model
 * ids and routes that answer to each, so an operator can match a route's model with its metric.
 *
 * @example
 * // {"status":"ok","routes":["smart"],
 * //  "breakers":[{"key":"openai:gpt-4o@https://api.openai.com/v1","state":"open","consecutiveFailures":5,
 * //               "retryAt":"2026-…","models":["openai:gpt-4o"],"routes":["smart"]}],
 * //  "models":{"openai:gpt-4o":{"breakerKey":"openai:gpt-4o@https://api.openai.com/v1","breaker":"open",…}}}
 */
import type { HealthRecord } from '../../fallback/breaker/health-store.ts';
import type { RequestScope } from '../server/request-scope.ts';

/** One breaker as /health reports it. */
interface BreakerHealth {
  key: string;
  state: string;
  consecutiveFailures: number;
  /** When an open breaker lets a probe through (ISO time); only while open. */
  retryAt?: string;
  /** The `provider:model` ids judged by this breaker. */
  models: string[];
  /** The config's routes naming one of those ids. */
  routes: string[];
}

export async function handleHealth(scope: RequestScope): Promise<void> {
  const context = scope.context;
  const modelBreakers = context.registry.modelBreakers();
  const byKey = new Map<string, BreakerHealth>();
  for (const { modelId, breakerKey, routes } of modelBreakers) {
    let breaker = byKey.get(breakerKey);
    if (!breaker) {
      breaker = { key: breakerKey, state: 'closed', consecutiveFailures: 0, models: [], routes: [] };
      byKey.set(breakerKey, breaker);
    }
    breaker.models.push(modelId);
    for (const route of routes) if (!breaker.routes.includes(route)) breaker.routes.push(route);
  }
  const breakers = [...byKey.values()];
  const records = await Promise.all(
    breakers.map((breaker) => context.healthStore.get(breaker.key).catch(() => undefined)),
  );
  for (const [i, breaker] of breakers.entries()) describeState(breaker, records[i]);

  // The per-model view older clients read, now reading the model's breaker by its key.
  const models: Record<string, Record<string, unknown>> = {};
  for (const { modelId, breakerKey } of modelBreakers) {
    const { key, state, consecutiveFailures, retryAt } = byKey.get(breakerKey)!;
    models[modelId] = {
      breakerKey: key,
      breaker: state,
      consecutiveFailures,
      ...(retryAt ? { retryAt } : {}),
    };
  }
  const open = breakers.filter((breaker) => breaker.state === 'open').length;
  // Degraded, not down: the gateway still serves through the models whose breakers are closed.
  const status = breakers.length > 0 && open === breakers.length ? 'degraded' : 'ok';
  const text = JSON.stringify({ status, routes: context.registry.routeNames, breakers, models });
  scope.res.writeHead(200, {
    ...scope.baseHeaders,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  scope.res.end(text);
}

function describeState(breaker: BreakerHealth, record: HealthRecord | undefined): void {
  if (!record) return;
  breaker.state = record.state;
  breaker.consecutiveFailures = record.consecutiveFailures;
  if (record.state === 'open') breaker.retryAt = new Date(record.until).toISOString();
}
