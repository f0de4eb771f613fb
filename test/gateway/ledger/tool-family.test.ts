import { describe, expect, it } from 'vitest';
import { parseBudget } from '../../../src/gateway/budgets/budget.ts';
import { periodOf, periodResetsAt } from '../../../src/gateway/ledger/spend-periods.ts';
import { toolFamily } from '../../../src/gateway/ledger/tool-family.ts';

describe('toolFamily', () => {
  it.each([
    ['claude-cli/2.0.14 (external, cli)', 'Claude Code'],
    ['codex_cli_rs/0.45.0 (Ubuntu 24.4.0; x86_64) xterm-256color', 'Codex'],
    ['OpenAI/JS 5.12.0', 'OpenAI SDK'],
    ['OpenAI/Python 1.99.1', 'OpenAI SDK'],
    ['Anthropic/JS 0.60.0', 'Anthropic SDK'],
    ['curl/8.5.0', 'curl'],
    ['billing-service/3.1 (+https://example.test)', 'billing-service'],
    ['', 'unknown'],
    [undefined, 'unknown'],
  ])('%s → %s', (userAgent, family) => {
    expect(toolFamily(userAgent)).toBe(family);
  });

  it('caps an unknown agent at 40 characters', () => {
    expect(toolFamily(`${'x'.repeat(100)}/1.0`)).toBe('x'.repeat(40));
  });
});

describe('budgets and periods', () => {
  it('reads 50/month, $5/day and 12.5 / day, and refuses anything else', () => {
    expect(parseBudget('50/month')).toEqual({ usd: 50, period: 'month' });
    expect(parseBudget('$5/day')).toEqual({ usd: 5, period: 'day' });
    expect(parseBudget('12.5 / DAY')).toEqual({ usd: 12.5, period: 'day' });
    for (const text of ['5/week', '-1/day', 'five/day', '5']) expect(parseBudget(text)).toBeUndefined();
  });

  it('names UTC days and months and says when each resets, across a year end', () => {
    const time = Date.parse('2026-12-31T23:59:59.500Z');
    expect(periodOf('day', time)).toBe('day:2026-12-31');
    expect(periodOf('month', time)).toBe('month:2026-12');
    expect(periodResetsAt('day', time).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(periodResetsAt('month', time).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(periodResetsAt('month', Date.parse('2026-02-10T00:00:00Z')).toISOString()).toBe(
      '2026-03-01T00:00:00.000Z',
    );
  });
});
