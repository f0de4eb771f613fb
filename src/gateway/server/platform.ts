/**
 * The gateway's platform parts, opened once per process from the config: the request ledger (SQLite or
 * Postgres), the budgets read from its spend, and the client keys kept in its database. They outlive a
 * reload (a new `database:` takes a restart; new budgets take effect on reload).
 */
import cluster from 'node:cluster';
import type { EventEmitter } from 'node:events';
import type { Registry } from 'prom-client';
import { ManagedKeys } from '../admin/managed-keys.ts';
import type { Budget } from '../budgets/budget.ts';
import { BudgetGuard } from '../budgets/budget-guard.ts';
import { registerSpendMetrics } from '../budgets/spend-metrics.ts';
import type { GatewayConfig } from '../config/schema.ts';
import type { GatewayEventMap, RequestFinished } from '../events.ts';
import { type Ledger, openLedger } from '../ledger/ledger.ts';

export interface Platform {
  ledger: Ledger;
  budgets: BudgetGuard;
  managedKeys: ManagedKeys;
  /** The config's budgets, applied to the guard; called on start and on every reload. */
  configure(config: GatewayConfig): void;
  /** Budgets of config keys by client name, for ClientKeys. */
  keyBudgets: ReadonlyMap<string, readonly Budget[]>;
  close(): Promise<void>;
}

export async function openPlatform(
  config: GatewayConfig,
  parts: { events: EventEmitter<GatewayEventMap>; registry: Registry; log: (line: string) => void },
): Promise<Platform> {
  // Workers of a `--workers` cluster each hold an in-memory ledger of their own: say so, once.
  if (config.database === undefined && cluster.isWorker && cluster.worker?.id === 1)
    parts.log(
      'ledger: in memory in each worker, so the request log and budgets are per worker; set database: (a SQLite file or Postgres) to share one',
    );
  const ledger = await openLedger({
    database: config.database,
    flushIntervalMs: config.ledger?.flushIntervalMs,
    maxQueue: config.ledger?.maxQueue,
    storeBodies: config.ledger?.bodies,
    redact: config.ledger?.redact,
    log: parts.log,
  });
  const budgets = new BudgetGuard(ledger);
  const managedKeys = new ManagedKeys(ledger.store.db);
  await Promise.all([budgets.refresh(), managedKeys.refresh()]).catch(() => {});
  ledger.onFlushed(() => managedKeys.refresh());
  const onFinished = (event: RequestFinished): void => ledger.record(event);
  parts.events.on('request-finished', onFinished);
  registerSpendMetrics(parts.registry, { ledger, budgets });
  const platform: Platform = {
    ledger,
    budgets,
    managedKeys,
    keyBudgets: new Map(),
    configure(next) {
      budgets.routeBudgets = new Map(Object.entries(next.budgets?.routes ?? {}));
      platform.keyBudgets = new Map(Object.entries(next.budgets?.keys ?? {}));
    },
    async close() {
      parts.events.off('request-finished', onFinished);
      await ledger.close();
    },
  };
  platform.configure(config);
  return platform;
}
