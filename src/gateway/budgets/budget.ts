/**
 * A budget in USD over a period, written `50/month`, `5/day` or `$12.50/day` in the config, the CLI and
 * the admin API alike.
 */
import type { PeriodKind } from '../ledger/spend-periods.ts';

export interface Budget {
  usd: number;
  period: PeriodKind;
}

const BUDGET = /^\$?(\d+(?:\.\d+)?)\s*\/\s*(day|month)$/i;

/** The budget a text names, or undefined when it is not one. */
export function parseBudget(text: string): Budget | undefined {
  const match = BUDGET.exec(text.trim());
  if (!match) return undefined;
  return { usd: Number(match[1]), period: match[2]!.toLowerCase() as PeriodKind };
}

/** `50/month`: how a budget is written and shown. */
export function formatBudget(budget: Budget): string {
  return `${budget.usd}/${budget.period}`;
}

export const BUDGET_HINT = "a budget is USD per day or month, such as '50/month' or '5/day'";
