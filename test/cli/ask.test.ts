import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';

const run = promisify(execFile);
const bin = new URL('../../bin/understudy.js', import.meta.url).pathname;
let down: ChaosServer;
let up: ChaosServer;

beforeAll(async () => {
  down = await startChaosServer({ protocol: 'openai', scenario: { fault: 'status:503' } });
  up = await startChaosServer({ protocol: 'anthropic' });
});
afterAll(async () => {
  await Promise.all([down.close(), up.close()]);
});

function ask(args: string[]) {
  return run(process.execPath, [bin, 'ask', ...args], {
    env: { PATH: process.env.PATH, OPENAI_BASE_URL: down.url, ANTHROPIC_BASE_URL: up.url },
    timeout: 20_000,
  });
}

describe('understudy ask', () => {
  test('prints the fallback model’s answer and, with -v, the attempt trace', async () => {
    const { stdout, stderr } = await ask([
      'Hello there',
      '--model',
      'openai:gpt-4o',
      '--fallback',
      'anthropic:claude-sonnet-4-5',
      '-v',
    ]);
    expect(stdout).toBe('echo: Hello there\n');
    expect(stderr).toMatch(
      /^served by anthropic:claude-sonnet-4-5 — \d+ in \/ \d+ out, \$\d+\.\d{6}, finish stop\n/,
    );
    expect(stderr).toMatch(
      / {2}1\. openai:gpt-4o error overloaded \(503\) \d+ ms\n {2}2\. anthropic:claude-sonnet-4-5 ok \d+ ms\n$/,
    );
  });

  test('streams with --stream', async () => {
    const { stdout } = await ask([
      'Stream me',
      '-m',
      'openai:gpt-4o',
      '-f',
      'anthropic:claude-sonnet-4-5',
      '--stream',
    ]);
    expect(stdout).toBe('echo: Stream me\n');
  });

  test('a missing model is a usage error (exit 2); a missing key fails the job (exit 1); no stack trace', async () => {
    const error = (await ask(['hi']).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(2);
    expect(error.stderr).toBe(
      'understudy ask: missing --model <provider:model>, e.g. understudy ask "What is a circuit breaker?" --model openai:gpt-4o\n' +
        "Try 'understudy ask --help' for its options.\n",
    );
    const noKey = (await run(process.execPath, [bin, 'ask', 'hi', '-m', 'groq:llama-3.3-70b'], {
      env: { PATH: process.env.PATH },
    }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('GROQ_API_KEY');
    expect(noKey.stderr).not.toContain('    at ');
  });
});
