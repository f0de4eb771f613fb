/**
 * What the real bin says when the command line is wrong, and its exit codes: 2 and a message on stderr
 * that names the mistake, suggests the fix and points at `--help` when the command line is wrong; 1 when
 * the job itself fails; 0 when it is done. Nothing here starts a server: every case stops at the
 * command line, or fails before listening.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import { type BinResult, runBin } from './run-bin.ts';

function expectUsageError(result: BinResult, command: string, message: string): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const pointer = command
    ? `Try 'understudy ${command} --help' for its options.`
    : "Try 'understudy --help'.";
  expect(result.stderr).toBe(`understudy${command ? ` ${command}` : ''}: ${message}\n${pointer}\n`);
}

// Each case starts a node process; on a loaded machine that takes seconds, not the default 20.
describe('usage errors exit 2 and say what to type instead', { timeout: 60_000 }, () => {
  test('an unknown command, with the nearest command', async () => {
    expectUsageError(await runBin(['serv']), '', "unknown command 'serv' — did you mean 'serve'?");
    expectUsageError(await runBin(['chaso']), '', "unknown command 'chaso' — did you mean 'chaos'?");
    expectUsageError(await runBin(['version']), '', "unknown command 'version' — did you mean '--version'?");
    expectUsageError(await runBin(['help', 'dmeo']), '', "unknown command 'dmeo' — did you mean 'demo'?");
    expectUsageError(await runBin(['frobnicate']), '', "unknown command 'frobnicate'");
  });

  test('an unknown option, with the nearest option of that command', async () => {
    expectUsageError(
      await runBin(['serve', '--wrokers', '2']),
      'serve',
      "unknown option '--wrokers' — did you mean '--workers'?",
    );
    expectUsageError(
      await runBin(['demo', '--request', '5']),
      'demo',
      "unknown option '--request' — did you mean '--requests'?",
    );
    expectUsageError(
      await runBin(['serve', '-port', '8787']),
      'serve',
      "unknown option '-port' — did you mean '--port'?",
    );
    expectUsageError(
      await runBin(['--verison']),
      '',
      "unknown option '--verison' — did you mean '--version'?",
    );
    expectUsageError(
      await runBin(['--port', '8787']),
      '',
      "unknown option '--port' — options go after the command, e.g. understudy serve --port",
    );
  });

  test('a missing value, a value for a switch, a stray argument', async () => {
    expectUsageError(await runBin(['serve', '--port']), 'serve', '--port <n> needs a value');
    expectUsageError(
      await runBin(['ask', 'hi', '--model', '--stream']),
      'ask',
      "--model <provider:model> needs a value, but the next word is '--stream'; if that is the value, write --model=--stream",
    );
    expectUsageError(
      await runBin(['ask', 'hi', '-m', 'openai:gpt-4o', '--stream=yes']),
      'ask',
      '--stream takes no value; write --stream alone',
    );
    expectUsageError(
      await runBin(['serve', 'port', '8787']),
      'serve',
      "unexpected argument 'port' — did you mean '--port'?",
    );
  });

  test('a missing required option or argument shows an example', async () => {
    const example = 'e.g. understudy ask "What is a circuit breaker?" --model openai:gpt-4o';
    expectUsageError(await runBin(['ask', 'hi']), 'ask', `missing --model <provider:model>, ${example}`);
    expectUsageError(await runBin(['ask', '-m', 'openai:gpt-4o']), 'ask', `missing <prompt>, ${example}`);
  });

  test('a bad number or choice names the option, what it takes and what was typed', async () => {
    expectUsageError(
      await runBin(['serve', '--port', 'abc']),
      'serve',
      "--port takes a whole number from 0 to 65535, got 'abc'",
    );
    expectUsageError(
      await runBin(['serve', '--port', '70000']),
      'serve',
      "--port takes a whole number from 0 to 65535, got '70000'",
    );
    expectUsageError(
      await runBin(['serve', '--workers', '0']),
      'serve',
      "--workers takes a whole number of 1 or more, got '0'",
    );
    expectUsageError(
      await runBin(['demo', '--requests', '1.5']),
      'demo',
      "--requests takes a whole number of 1 or more, got '1.5'",
    );
    expectUsageError(
      await runBin(['ask', 'hi', '-m', 'openai:gpt-4o', '--timeout', 'soon']),
      'ask',
      "--timeout takes a number above 0, got 'soon'",
    );
    expectUsageError(
      await runBin(['chaos', '--protocol', 'opneai']),
      'chaos',
      "--protocol must be one of openai, openai-responses, anthropic, gemini, bedrock; got 'opneai' — did you mean 'openai'?",
    );
    const fault = await runBin(['chaos', '--fault', 'explode']);
    expect(fault.code).toBe(2);
    expect(fault.stderr).toContain("unknown fault 'explode'");
  });
});

describe('a job that fails exits 1; a job done exits 0', { timeout: 60_000 }, () => {
  test('a scenario file that is not there is said plainly, without a stack trace', async () => {
    const result = await runBin(['chaos', '--scenario', '/nonexistent/understudy-scenario.yaml']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'understudy chaos: no such file: /nonexistent/understudy-scenario.yaml\n',
    });
  });

  test.each(['1', '2'])(
    'serve --workers %s on a port already taken says so and exits 1, instead of hanging on or restarting workers forever',
    async (workers) => {
      const taken = createServer().listen(0, '127.0.0.1');
      await once(taken, 'listening');
      const { port } = taken.address() as { port: number };
      try {
        // No config and no keys: the demo gateway, whose local upstreams start before the port is tried.
        const result = await runBin(['serve', '--port', String(port), '--workers', workers], {
          timeoutMs: 20_000,
        });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(
          `understudy serve: 127.0.0.1:${port} is already in use: stop what listens there, or pick another --port (0 picks a free one)\n`,
        );
        expect(result.stderr).not.toContain('    at ');
      } finally {
        taken.close();
      }
    },
  );

  test('serve with several workers and an unreadable config exits 1, instead of restarting workers forever', async () => {
    const result = await runBin(['serve', '--config', '/nonexistent/understudy.yaml', '--workers', '2']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'understudy serve: /nonexistent/understudy.yaml: cannot read the config file (ENOENT)\n',
    });
  });

  test('the demo runs to its summary and exits 0', async () => {
    const result = await runBin(['demo', '--requests', '2', '--interval-ms', '0']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\n {2}2 served, 0 failed of 2 requests/);
  });
});
