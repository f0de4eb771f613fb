/**
 * Budgets in USD per client key and per route, per UTC day and month, enforced before a request is
 * served: over budget is a 429 naming the budget and when it resets.
 *
 * Spend is read from memory, never from the database on the request path. This process adds each
 * request's cost as it finishes; after every ledger flush the totals are re-read from the database's
 * `spend` table (plus what is still queued here), which brings in what every other gateway process
 * wrote. So the overshoot is bounded: a budget can be passed by the cost of the requests in flight in
 * the whole fleet when it was reached, plus the requests the fleet finished in the last two flush
 * intervals, as they really pass: a slow write or a late timer lengthens one (a process sees another's
 * spend after that one's flush and its own re-read). One process
 * alone overshoots only by its requests in flight. test/gateway/budgets measures it under load.
 */
import type { ClientIdentity } from '../auth/client-keys.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { LedgerEntry } from '../ledger/ledger-entry.ts';
import { type PeriodKind, periodResetsAt, periodsAt } from '../ledger/spend-periods.ts';
import { type Budget, formatBudget } from './budget.ts';

export class BudgetGuard {
  private readonly ledger: Ledger;
  /** USD per `scope period`, for the current day and month. */
  private spent = new Map<string, number>();
  /**
   * The scopes a budget was checked for: only their spend is added as each request finishes (the rest is
   * read from the database after each flush, which is soon enough for the spend page and metrics).
   */
  private readonly budgeted = new Map<string, readonly Budget[]>();
  /** Budgets of routes, by route name (the config's `budgets.routes`); replaced on reload. */
  routeBudgets: ReadonlyMap<string, readonly Budget[]> = new Map();

  constructor(ledger: Ledger) {
    this.ledger = ledger;
    ledger.onEntry((entry) => this.add(entry));
    ledger.onFlushed(() => this.refresh());
  }

  /** Throws a 429 when the key or the route has spent its budget for the day or month. */
  enforce(client: ClientIdentity | undefined, route: string): void {
    const clientBudgets = client?.budgets;
    const routeBudgets = this.routeBudgets.get(route);
    if (clientBudgets === undefined && routeBudgets === undefined) return;
    const periods = periodsAt(Date.now());
    if (clientBudgets && client) {
      const scope = `key:${client.keyId}`;
      this.budgeted.set(scope, clientBudgets);
      this.check(scope, `key '${client.name}'`, clientBudgets, periods);
    }
    if (routeBudgets) {
      const scope = `route:${route}`;
      this.budgeted.set(scope, routeBudgets);
      this.check(scope, `route '${route}'`, routeBudgets, periods);
    }
  }

  /** The budgets of every key and route a request was checked against (what /metrics reports). */
  checkedBudgets(): ReadonlyMap<string, readonly Budget[]> {
    return this.budgeted;
  }

  /** USD spent by a scope (`key:<id>`, `route:<name>`, `tool:<family>`) in the current day or month. */
  spentBy(scope: string, period: PeriodKind): number {
    const periods = periodsAt(Date.now());
    return this.spent.get(`${scope} ${periods[period]}`) ?? 0;
  }

  /** Every scope's spend in the current day and month. */
  snapshot(): Array<{ scope: string; day: number; month: number }> {
    const periods = periodsAt(Date.now());
    const scopes = new Map<string, { scope: string; day: number; month: number }>();
    for (const [key, usd] of this.spent) {
      const space = key.lastIndexOf(' ');
      const scope = key.slice(0, space);
      const period = key.slice(space + 1);
      const row = scopes.get(scope) ?? { scope, day: 0, month: 0 };
      if (period === periods.day) row.day = usd;
      else if (period === periods.month) row.month = usd;
      scopes.set(scope, row);
    }
    return [...scopes.values()];
  }

  /** Re-reads spend from the database, plus what this process has queued and not written yet. */
  async refresh(): Promise<void> {
    const { day, month } = periodsAt(Date.now());
    const rows = await this.ledger.store.spend([day, month]);
    const next = new Map<string, number>();
    for (const row of rows) next.set(`${row.scope} ${row.period}`, row.usd);
    this.spent = next;
    for (const item of this.ledger.pending()) this.add(item.entry);
  }

  private add(entry: LedgerEntry): void {
    const cost = entry.cost;
    if (cost === undefined || cost === 0 || this.budgeted.size === 0) return;
    if (entry.clientKeyId !== undefined) this.addTo(`key:${entry.clientKeyId}`, entry.time, cost);
    this.addTo(`route:${entry.route}`, entry.time, cost);
  }

  private addTo(scope: string, time: number, cost: number): void {
    if (!this.budgeted.has(scope)) return;
    const { day, month } = periodsAt(time);
    for (const period of [day, month]) {
      const key = `${scope} ${period}`;
      this.spent.set(key, (this.spent.get(key) ?? 0) + cost);
    }
  }

  private check(
    scope: string,
    who: string,
    budgets: readonly Budget[],
    periods: { readonly day: string; readonly month: string },
  ): void {
    for (const budget of budgets) {
      const spent = this.spent.get(`${scope} ${periods[budget.period]}`) ?? 0;
      if (spent < budget.usd) continue;
      const resets = periodResetsAt(budget.period, Date.now());
      throw new GatewayError(
        429,
        'rate_limited',
        `Budget exceeded: ${who} has spent $${spent.toFixed(4)} of its $${formatBudget(budget)} budget; it resets at ${resets.toISOString()}. Raise the budget or wait until then.`,
        { retryAfterSeconds: Math.max(1, Math.ceil((resets.getTime() - Date.now()) / 1000)) },
      );
    }
  }
}
