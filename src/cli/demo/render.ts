/**
 * How the demo shows what happened: one line per request with its attempt chain, breaker changes as
 * they happen, and a summary table at the end. Colour follows NO_COLOR, FORCE_COLOR and whether stdout is a
 * terminal (see colour.ts).
 */
import type { Attempt } from '../../core/messages.ts';
import { paint, type Style } from '../colour.ts';

const OUTCOME_MARK: Record<Attempt['outcome'], [string, Style]> = {
  ok: ['✔', 'green'],
  error: ['✗', 'red'],
  rejected: ['↺', 'yellow'],
  skipped: ['⊘', 'gray'],
  cancelled: ['◌', 'gray'],
};

/** `gpt-4o ✗ overloaded → gpt-4o ✗ rate_limit (retry) → claude ⊘ skipped → gemini ✔` */
export function attemptChain(attempts: Attempt[]): string {
  return attempts
    .map((attempt, i) => {
      const [mark, style] = OUTCOME_MARK[attempt.outcome];
      const retry = i > 0 && sameUpstream(attempts[i - 1]!, attempt) ? paint('yellow', ' (retry)') : '';
      let detail = '';
      if (attempt.outcome === 'error')
        detail = ` ${attempt.errorKind ?? 'error'}${attempt.statusCode ? ` ${attempt.statusCode}` : ''}`;
      else if (attempt.outcome === 'skipped') detail = ' breaker open';
      return `${shortName(attempt.modelName)} ${paint(style, mark + detail)}${retry}`;
    })
    .join(paint('gray', ' → '));
}

/**
 * A retry is a second attempt at the same upstream: compared by breaker key, because a served attempt
 * carries the name the provider answered with (`gpt-4o-2024-08-06` for `gpt-4o`).
 */
function sameUpstream(previous: Attempt, attempt: Attempt): boolean {
  if (previous.breakerKey !== undefined && attempt.breakerKey !== undefined)
    return previous.breakerKey === attempt.breakerKey;
  return previous.modelName === attempt.modelName;
}

export function requestLine(
  index: number,
  stream: boolean,
  servedBy: string | undefined,
  latencyMs: number,
  attempts: Attempt[],
): string {
  const number = paint('gray', `#${String(index).padStart(2, '0')}`);
  const mode = paint('gray', stream ? 'stream ' : 'request');
  const verdict = servedBy
    ? paint('green', `✔ ${shortName(servedBy).padEnd(18)}`)
    : paint('red', '✗ all failed'.padEnd(20));
  const time = paint(latencyMs > 1000 ? 'yellow' : 'white', `${Math.round(latencyMs)} ms`.padStart(8));
  return `  ${number} ${mode} ${verdict} ${time}   ${attemptChain(attempts)}`;
}

export function breakerLine(key: string, from: string, to: string): string {
  const colour: Style = to === 'open' ? 'red' : to === 'half-open' ? 'yellow' : 'green';
  return `  ${paint('bold', '⚡ breaker')} ${key}: ${from} → ${paint(colour, to)}`;
}

/** Model ids are long; the demo names each model by its last segment. */
export function shortName(modelName: string): string {
  return modelName.slice(modelName.lastIndexOf(':') + 1);
}

export interface ModelTally {
  attempts: number;
  served: number;
  skipped: number;
  errors: Record<string, number>;
  durations: number[];
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A fixed-width table; colour is applied after padding so columns stay aligned. */
export function summaryTable(tallies: Map<string, ModelTally>): string {
  const header = ['model', 'attempts', 'served', 'skipped', 'errors', 'p50 attempt'];
  const rows = [...tallies].map(([name, t]) => [
    name,
    String(t.attempts),
    String(t.served),
    String(t.skipped),
    Object.entries(t.errors)
      .map(([kind, n]) => `${kind}×${n}`)
      .join(' ') || '-',
    `${Math.round(percentile(t.durations, 50))} ms`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`;
  return [paint('bold', line(header)), ...rows.map(line)].join('\n');
}
