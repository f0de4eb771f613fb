/**
 * `understudy serve --workers N` with no config: the line that says which mode the gateway is in (the
 * chaos demo, or keys from the environment) opens the log, once — not once per worker after the
 * cluster's start-up line.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, test } from 'vitest';
import { providerKeysInEnv } from '../../src/gateway/config/embedded-default.ts';

const BIN = new URL('../../bin/understudy.js', import.meta.url).pathname;

/** The environment without any provider key, plus `extra`. */
function envWith(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, UNDERSTUDY_CLIENT_KEYS: '' };
  for (const name of providerKeysInEnv(env)) delete env[name];
  return { ...env, ...extra };
}

/** Runs a two-worker cluster until both workers listen; returns its log lines and URL, then stops it. */
async function serveTwoWorkers(
  env: NodeJS.ProcessEnv,
  whileUp: (url: string) => Promise<void>,
): Promise<string[]> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--workers', '2'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env,
  });
  const exited = once(child, 'exit');
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  try {
    const started = performance.now();
    while ((log.match(/listening on http/g) ?? []).length < 2) {
      if (child.exitCode !== null) throw new Error(`serve exited early:\n${log}`);
      if (performance.now() - started > 20_000) throw new Error(`the workers did not start:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await whileUp(/listening on (http:\/\/[^\s]+)/.exec(log)![1]!);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return log.split('\n').filter(Boolean);
}

describe('serve --workers 2 with no config', () => {
  test('demo mode is said once, in the first line, and the demo answers', async () => {
    const lines = await serveTwoWorkers(envWith({}), async (url) => {
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'chaos-gemini:gemini-2.5-flash',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      expect(res.status).toBe(200);
    });
    expect(lines[0]).toMatch(/^DEMO MODE: /);
    expect(lines.filter((line) => line.startsWith('DEMO MODE')).length).toBe(1);
    expect(lines.filter((line) => /^understudy worker \d+ listening on http/.test(line)).length).toBe(2);
  });

  test('keys from the environment are said once, in the first line, naming the variable only', async () => {
    const lines = await serveTwoWorkers(envWith({ OPENAI_API_KEY: 'sk-banner-test-secret' }), async () => {});
    expect(lines[0]).toBe(
      "No config file: serving every 'provider:model' id with the keys found in the environment (OPENAI_API_KEY).",
    );
    expect(lines.filter((line) => line.startsWith('No config file')).length).toBe(1);
    expect(lines.join('\n')).not.toContain('sk-banner-test-secret');
  });
});
