/**
 * The conventions people type by habit, run against the real bin: every command answers `--help`, `-h`
 * and `understudy help <command>` with what it does, its options and their defaults, and examples; the
 * bare command, `--help` and `help` give the overview; `--version`, `-V` and `-v` print the package's
 * version, wherever the command is run from.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runBin } from './run-bin.ts';

const COMMANDS = ['demo', 'serve', 'chaos', 'ask'] as const;

/** What each command's help must show a user, beyond the generic sections: its options and defaults. */
const MUST_MENTION: Record<(typeof COMMANDS)[number], string[]> = {
  demo: ['--requests <n>', '(default: 30)', '--concurrency <n>', '(default: 3)', '--interval-ms <ms>'],
  serve: [
    '-c, --config <file>',
    '-p, --port <n>',
    '(default: 8787)',
    '--host <addr>',
    '(default: 127.0.0.1)',
  ],
  chaos: [
    '--protocol <name>',
    'one of: openai, openai-responses, anthropic, gemini, bedrock',
    '--fault <spec>',
  ],
  ask: ['Usage: understudy ask <prompt> --model <provider:model>', '--fallback', '(repeatable)', '--stream'],
};

// Each case starts node processes; on a loaded machine that takes seconds, not the default 20.
describe('understudy <command> --help', { timeout: 60_000 }, () => {
  for (const name of COMMANDS) {
    test(`${name}: --help, -h and 'help ${name}' print the same full help and exit 0`, async () => {
      const [long, short, viaHelp] = await Promise.all([
        runBin([name, '--help']),
        runBin([name, '-h']),
        runBin(['help', name]),
      ]);
      for (const result of [long, short, viaHelp]) {
        expect(result).toMatchObject({ code: 0, stderr: '' });
        expect(result.stdout).toBe(long.stdout);
      }
      const help = long.stdout;
      expect(help).toMatch(new RegExp(`^understudy ${name} — \\S`));
      expect(help).toContain(`\nUsage: understudy ${name}`);
      expect(help).toContain('\nOptions:\n');
      expect(help).toContain('-h, --help');
      expect(help).toMatch(new RegExp(`\\nExamples:\\n {2}understudy ${name}`));
      // Descriptions wrap at 80 columns; what they say is checked with the line breaks taken out.
      const unwrapped = help.replace(/\s+/g, ' ');
      for (const text of MUST_MENTION[name]) expect(unwrapped).toContain(text);
    });
  }

  test('--help wins over the other mistakes on the line, and starts nothing', async () => {
    const result = await runBin(['serve', '--wrokers', 'x', '--port', 'nope', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^understudy serve — /);
  });
});

describe('understudy, understudy --help, understudy help', { timeout: 60_000 }, () => {
  test('print the overview of every command and exit 0', async () => {
    const results = await Promise.all([runBin([]), runBin(['--help']), runBin(['-h']), runBin(['help'])]);
    for (const result of results) {
      expect(result).toMatchObject({ code: 0, stderr: '', stdout: results[0]!.stdout });
      for (const name of COMMANDS) expect(result.stdout).toMatch(new RegExp(`\\n {2}${name} +\\S`));
      expect(result.stdout).toContain('-V, --version');
      expect(result.stdout).toContain("Run 'understudy <command> --help'");
    }
  });
});

describe('understudy --version', { timeout: 60_000 }, () => {
  // A directory with a package.json of its own: the version must come from understudy's, not the cwd's.
  const elsewhere = mkdtempSync(join(tmpdir(), 'understudy-version-'));
  writeFileSync(join(elsewhere, 'package.json'), JSON.stringify({ name: 'someone-else', version: '9.9.9' }));
  afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));
  const ours = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

  for (const flag of ['--version', '-V', '-v']) {
    test(`${flag} prints the package version, from any directory`, async () => {
      expect(ours).toMatch(/^\d+\.\d+\.\d+/);
      expect(await runBin([flag], { cwd: elsewhere })).toEqual({ code: 0, stdout: `${ours}\n`, stderr: '' });
    });
  }
});
