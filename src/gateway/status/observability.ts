/**
 * Everything that watches the gateway, in one call: Prometheus `/metrics` and the live status page
 * (`/`, `/status.json`, `/status/events`), both fed from the gateway's events. With a shared health store
 * (Redis or cluster), breakers moved by other processes are reported on the same events, so this
 * process's page and metrics show the fleet's breakers, not only its own.
 */
import type { EventEmitter } from 'node:events';
import type { HealthStore } from '../../fallback/breaker/health-store.ts';
import type { GatewayEventMap } from '../events.ts';
import {
  createGatewayMetrics,
  type GatewayMetrics,
  type GatewayMetricsOptions,
} from '../metrics/gateway-metrics.ts';
import type { ExtraRoute } from '../server/http-types.ts';
import { SharedHealthStore } from '../state/shared-health-store.ts';
import { createStatusPage, type StatusPage, type StatusPageOptions } from './status-routes.ts';

/** Options of `createObservability`. */
export interface ObservabilityOptions {
  /** The gateway's breaker store; a shared one contributes its known breakers and remote changes. */
  healthStore?: HealthStore;
  metrics?: GatewayMetricsOptions;
  status?: StatusPageOptions;
}

/** The routes to mount beside the API, the parts, and `close()`. */
export interface Observability {
  routes: ExtraRoute[];
  metrics: GatewayMetrics;
  status: StatusPage;
  close(): void;
}

/**
 * Builds /metrics and the status page over the gateway's events.
 *
 * @example
 * const events = new EventEmitter<GatewayEventMap>();
 * const observability = createObservability(events, { healthStore });
 * // mount observability.routes as the gateway's extraRoutes; on shutdown: observability.close()
 */
export function createObservability(
  events: EventEmitter<GatewayEventMap>,
  options: ObservabilityOptions = {},
): Observability {
  const store = options.healthStore instanceof SharedHealthStore ? options.healthStore : undefined;
  const known = store?.entries().map(([key, record]): [string, string] => [key, record.state]) ?? [];
  const metrics = createGatewayMetrics(events, options.metrics);
  const status = createStatusPage(events, { initialBreakers: known, ...options.status });
  for (const [key, state] of known) {
    if (state !== 'closed') events.emit('breaker-changed', { key, from: 'closed', to: state });
  }
  const stopObserving = store?.observeRemoteChanges((change) => events.emit('breaker-changed', change));
  return {
    routes: [metrics.route, ...status.routes],
    metrics,
    status,
    close() {
      stopObserving?.();
      metrics.close();
      status.close();
    },
  };
}
