/**
 * `GET /health`: liveness (it answers, so the process is up) and each known model's breaker state read
 * from the HealthStore — the same store every gateway process shares when Redis is configured.
 *
 * @example
 * // {"status":"ok","models":{"openai:gpt-4o":{"breaker":"open","consecutiveFailures":5,"retryAt":"2026-…"}}}
 */
import type { GatewayContext } from '../server/context.ts';
import type { GatewayResponse } from '../server/http-types.ts';

export async function handleHealth(
  res: GatewayResponse,
  context: GatewayContext,
  base: Record<string, string>,
): Promise<void> {
  const models: Record<string, Record<string, unknown>> = {};
  const ids = context.registry.knownModelIds();
  const records = await Promise.all(ids.map((id) => context.healthStore.get(id).catch(() => undefined)));
  let open = 0;
  ids.forEach((id, i) => {
    const record = records[i];
    const entry: Record<string, unknown> = {
      breaker: record?.state ?? 'closed',
      consecutiveFailures: record?.consecutiveFailures ?? 0,
    };
    if (record?.state === 'open') {
      open++;
      entry.retryAt = new Date(record.until).toISOString();
    }
    models[id] = entry;
  });
  // Degraded, not down: the gateway still serves through the models whose breakers are closed.
  const status = ids.length > 0 && open === ids.length ? 'degraded' : 'ok';
  const text = JSON.stringify({ status, routes: context.registry.routeNames, models });
  res.writeHead(200, {
    ...base,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  res.end(text);
}
