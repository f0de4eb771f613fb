/**
 * SIGTERM to a real `understudy serve` process: streams in flight finish (or end with an error frame,
 * never silently), new requests are refused, and the process exits on its own — within a drain timeout
 * even when an upstream never finishes its stream.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';

const BIN = new URL('../../bin/understudy.js', import.meta.url).pathname;

interface Served {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
}

/** Runs `understudy serve --config <file> --port 0` and reads its URL from the line it logs. */
async function serve(configPath: string): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', configPath, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, UNDERSTUDY_CLIENT_KEYS: '' },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    atMs: performance.now(),
  }));
  const started = performance.now();
  while (!/listening on (http:\/\/[^\s]+)/.test(output)) {
    if (child.exitCode !== null) throw new Error(`serve exited early:\n${output}`);
    if (performance.now() - started > 15_000) throw new Error(`serve did not report its URL:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const url = /listening on (http:\/\/[^\s]+)/.exec(output)![1]!;
  return { child, url, output: () => output, exited };
}

/** Starts a streamed chat request; resolves once the first content chunk arrived, with the rest pending. */
async function startStream(url: string, model: string) {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'go' }] }),
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('"content":"')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  const rest = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return { text, broken: false };
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      return { text, broken: true };
    }
  })();
  return { rest };
}

describe('graceful shutdown of understudy serve', () => {
  let chaos: ChaosServer;
  let dir: string;
  let configPath: string;

  beforeAll(async () => {
    chaos = await startChaosServer({
      protocol: 'openai',
      scenario: {
        // `slow` streams 20 tokens over about a second; `stuck` sends two tokens, then nothing at all.
        models: {
          slow: { answer: 'filler:20', latency: { tokensPerSecond: 20 } },
          stuck: { fault: 'stall-after:2' },
        },
      },
      hangCapMs: 20_000,
    });
    dir = mkdtempSync(join(tmpdir(), 'understudy-shutdown-'));
    configPath = join(dir, 'understudy.yaml');
    writeFileSync(
      configPath,
      [
        'providers:',
        `  up: { type: openai, baseUrl: '${chaos.url}' }`,
        'routes:',
        '  slow: { models: [up:slow], breaker: false }',
        '  stuck: { models: [up:stuck], breaker: false }',
        'server: { drainTimeoutMs: 2000 }',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await chaos.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('SIGTERM: in-flight streams finish, new requests are refused, the process exits 0', async () => {
    const served = await serve(configPath);
    try {
      const streams = await Promise.all([0, 1, 2].map(() => startStream(served.url, 'slow')));
      const signalledAt = performance.now();
      served.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 100));
      // A new request after SIGTERM: the listener is closed, so the connection is refused.
      const late = await fetch(`${served.url}/health`, { signal: AbortSignal.timeout(2000) }).then(
        (response) => `status ${response.status}`,
        (error: unknown) => `refused: ${String((error as Error).cause ?? error)}`,
      );
      expect(late).toMatch(/^refused: .*ECONNREFUSED/);
      for (const { rest } of streams) {
        const { text, broken } = await rest;
        expect(broken).toBe(false);
        // Finished, not cut: the finish reason and the end marker both arrived.
        expect(text).toContain('"finish_reason":"stop"');
        expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      }
      const exit = await served.exited;
      expect(exit.code).toBe(0);
      expect(exit.atMs - signalledAt).toBeLessThan(5000);
    } finally {
      served.child.kill('SIGKILL');
    }
  });

  // A stream whose upstream never finishes must not hold the process: past the drain timeout (2 s here)
  // it is ended with an error frame and the process exits.
  test('SIGTERM with a stream stuck upstream: exits after the 2 s drain, ending the stream with an error frame', async () => {
    const served = await serve(configPath);
    try {
      const { rest } = await startStream(served.url, 'stuck');
      const signalledAt = performance.now();
      served.child.kill('SIGTERM');
      const exit = await Promise.race([
        served.exited,
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5500)),
      ]);
      if (!exit) {
        const got = await Promise.race([rest, new Promise((r) => setTimeout(() => r('REST PENDING'), 100))]);
        console.log(
          'DEBUG no exit',
          performance.now() - signalledAt,
          JSON.stringify(served.output()),
          JSON.stringify(got),
        );
        const e2 = await Promise.race([
          served.exited,
          new Promise<undefined>((r) => setTimeout(() => r(undefined), 25000)),
        ]);
        console.log('DEBUG later exit', e2 && e2.atMs - signalledAt, JSON.stringify(served.output()));
      }
      expect(exit).toBeDefined();
      expect(exit!.atMs - signalledAt).toBeLessThan(5000);
      const { text } = await rest;
      expect(text).toMatch(/"error":\{/);
    } finally {
      served.child.kill('SIGKILL');
    }
  }, 45_000);
});
