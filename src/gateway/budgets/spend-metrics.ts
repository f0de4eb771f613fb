/**
 * Prometheus gauges for spend and budgets, read when scraped: spend in USD per key, route and tool for
 * the current day and month, each budget's limit beside it, and the ledger's queue and drops. In a
 * `--workers` cluster every worker reads the same database, so the cluster reports the largest value
 * seen, not the sum.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Ledger } from '../ledger/ledger.ts';
import type { BudgetGuard } from './budget-guard.ts';

const MAX_SERIES = 500;

export function registerSpendMetrics(
  registry: Registry,
  parts: { ledger: Ledger; budgets: BudgetGuard },
): void {
  const { ledger, budgets } = parts;
  const registers = [registry];
  new Gauge({
    name: 'understudy_spend_usd',
    help: 'USD spent in the current UTC day or month, by scope (key:<id>, route:<name>, tool:<family>).',
    labelNames: ['scope', 'period'] as const,
    aggregator: 'max',
    registers,
    collect() {
      this.reset();
      for (const row of budgets.snapshot().slice(0, MAX_SERIES)) {
        this.set({ scope: row.scope, period: 'day' }, row.day);
        this.set({ scope: row.scope, period: 'month' }, row.month);
      }
    },
  });
  new Gauge({
    name: 'understudy_budget_usd',
    help: 'Budgets in USD by scope (route:<name>, and key:<id> once the key has made a request) and period.',
    labelNames: ['scope', 'period'] as const,
    aggregator: 'max',
    registers,
    collect() {
      this.reset();
      for (const [route, list] of budgets.routeBudgets)
        for (const budget of list) this.set({ scope: `route:${route}`, period: budget.period }, budget.usd);
      for (const [scope, list] of budgets.checkedBudgets())
        for (const budget of list) this.set({ scope, period: budget.period }, budget.usd);
    },
  });
  new Gauge({
    name: 'understudy_ledger_queued',
    help: 'Request records waiting to be written to the ledger database.',
    registers,
    collect() {
      this.set(ledger.queued);
    },
  });
  let reported = 0;
  new Counter({
    name: 'understudy_ledger_dropped_total',
    help: 'Request records dropped because the ledger queue was full (the database slow or gone too long).',
    registers,
    collect() {
      // A counter only grows: add what was dropped since the last scrape.
      if (ledger.dropped > reported) this.inc(ledger.dropped - reported);
      reported = ledger.dropped;
    },
  });
}
