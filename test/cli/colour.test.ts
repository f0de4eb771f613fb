/**
 * Colour follows https://no-color.org and the TTY convention: a non-empty NO_COLOR always wins, then
 * FORCE_COLOR, then only a terminal gets colour. The decision is checked directly for the terminal cases
 * (a test has no terminal), and through the real demo for what a pipe gets.
 */
import { describe, expect, test } from 'vitest';
import { shouldColour } from '../../src/cli/colour.ts';
import { cleanEnv, runBin } from './run-bin.ts';

const tty = { isTTY: true };
const pipe = { isTTY: undefined };

describe('shouldColour', () => {
  test.each([
    ['a terminal', tty, {}, true],
    ['a pipe', pipe, {}, false],
    ['a terminal with NO_COLOR=1', tty, { NO_COLOR: '1' }, false],
    ['a terminal with an empty NO_COLOR, which no-color.org says to ignore', tty, { NO_COLOR: '' }, true],
    ['a pipe with FORCE_COLOR=1', pipe, { FORCE_COLOR: '1' }, true],
    ['NO_COLOR over FORCE_COLOR', tty, { NO_COLOR: 'yes', FORCE_COLOR: '1' }, false],
    ['a terminal with FORCE_COLOR=0', tty, { FORCE_COLOR: '0' }, false],
    ['a terminal with FORCE_COLOR=false', tty, { FORCE_COLOR: 'false' }, false],
    ['a terminal with TERM=dumb', tty, { TERM: 'dumb' }, false],
  ] as const)('%s → %s', (_name, stream, env, expected) => {
    expect(shouldColour({ stream, env })).toBe(expected);
  });
});

/** How every ANSI colour or style sequence starts. */
const ANSI = '\u001b[';

// Each case runs the real demo in a node process; on a loaded machine that takes seconds.
describe('understudy demo output', { timeout: 60_000 }, () => {
  const demo = (env: Record<string, string>) =>
    runBin(['demo', '--requests', '2', '--interval-ms', '0'], { env: cleanEnv(env) });

  test('is coloured with FORCE_COLOR, and plain to a pipe, with NO_COLOR, or both', async () => {
    const [forced, piped, noColour, both] = await Promise.all([
      demo({ FORCE_COLOR: '1' }),
      demo({}),
      demo({ NO_COLOR: '1' }),
      demo({ NO_COLOR: '1', FORCE_COLOR: '1' }),
    ]);
    for (const result of [forced, piped, noColour, both]) {
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Understudy demo');
    }
    expect(forced.stdout).toContain(ANSI);
    expect(piped.stdout).not.toContain(ANSI);
    expect(noColour.stdout).not.toContain(ANSI);
    expect(both.stdout).not.toContain(ANSI);
  });
});
