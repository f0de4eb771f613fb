/**
 * The periods spend is counted in: the UTC day and the UTC month, named as the `spend` table stores them
 * (`day:2026-12-08`, `month:2026-12`), and when each resets — what a budget refusal tells the client.
 */

export type PeriodKind = 'day' | 'month';

/** The period's name for a time (epoch ms). */
export function periodOf(kind: PeriodKind, time: number): string {
  const iso = new Date(time).toISOString();
  return kind === 'day' ? `day:${iso.slice(0, 10)}` : `month:${iso.slice(0, 7)}`;
}

/** When the period holding `time` ends: the next UTC midnight, or the first of next month. */
export function periodResetsAt(kind: PeriodKind, time: number): Date {
  const now = new Date(time);
  return kind === 'day'
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/** The day's and month's names for a time; the last second's answer is kept, as most calls ask about now. */
export function periodsAt(time: number): { readonly day: string; readonly month: string } {
  const second = Math.floor(time / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastPeriods = { day: periodOf('day', time), month: periodOf('month', time) };
  }
  return lastPeriods;
}

let lastSecond = Number.NaN;
let lastPeriods = { day: '', month: '' };
