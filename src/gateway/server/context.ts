/**
 * Everything a request needs from the running gateway. A reload builds a new context from the new config
 * and swaps it in; a request keeps the context it started with, so in-flight requests finish on the old
 * config while new ones use the new.
 */

import type { EventEmitter } from 'node:events';
import type { HealthStore } from '../../fallback/breaker/health-store.ts';
import type { ManagedKeys } from '../admin/managed-keys.ts';
import type { ClientKeys } from '../auth/client-keys.ts';
import type { Budget } from '../budgets/budget.ts';
import type { BudgetGuard } from '../budgets/budget-guard.ts';
import type { GatewayEventMap } from '../events.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { ModelRegistry } from '../routing/model-registry.ts';
import type { RateLimitStore } from '../state/rate-limit-store.ts';
import type { HostCheck } from './host-check.ts';
import type { ExtraRoute } from './http-types.ts';
import type { InFlightCalls } from './in-flight.ts';
import type { BodyLimits } from './read-body.ts';

export interface GatewayContext {
  registry: ModelRegistry;
  clients: ClientKeys;
  bodyLimits: BodyLimits;
  /** Allowed browser origins, `'*'` for any; undefined sends no CORS headers. */
  cors: '*' | readonly string[] | undefined;
  /** Which `Host` headers may be served (the DNS-rebinding guard); undefined serves any. */
  hostCheck: HostCheck | undefined;
  rateLimitStore: RateLimitStore;
  healthStore: HealthStore;
  events: EventEmitter<GatewayEventMap>;
  extraRoutes: readonly ExtraRoute[];
  /** One line per problem worth an operator's attention (never a key). */
  log: (line: string) => void;
  /** The calls being served, for a shutdown's drain timeout. */
  inFlight: InFlightCalls;
  /** The request ledger, its budgets and managed keys; undefined for a handler built without them. */
  ledger: Ledger | undefined;
  budgets: BudgetGuard | undefined;
  managedKeys: ManagedKeys | undefined;
  /** Budgets of the config's keys, by client name (the spend page shows them). */
  keyBudgets: ReadonlyMap<string, readonly Budget[]>;
  /** The sha256 of `UNDERSTUDY_ADMIN_KEY`, which the admin API asks for; undefined turns the API off. */
  adminKeyHash: Buffer | undefined;
}
