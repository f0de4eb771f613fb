/**
 * SIGTERM to a real `understudy serve` process: streams in flight finish (or end with an error frame,
 * never silently), new requests are refused, and the process exits on its own — within a drain timeout
 * even when an upstream never finishes its stream.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
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

/**
 * Runs `understudy serve --config <file> --port P --workers N` and reads the URL from the line each
 * worker logs, once all N listen. One worker by default: the single-process gateway, the same on every
 * machine (without `--workers`, serve runs one per core).
 */
async function serve(configPath: string, workers = 1, port = 0): Promise<Served> {
  const args = [BIN, 'serve', '--config', configPath, '--port', String(port), '--workers', String(workers)];
  const child = spawn(process.execPath, args, {
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
  while ((output.match(/listening on http/g) ?? []).length < workers) {
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

  test('SIGTERM to a two-worker cluster: both drain their streams and the primary exits 0', async () => {
    // Workers share one port only when it is fixed: with port 0 each would pick its own.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const served = await serve(configPath, 2, port);
    try {
      // Several streams, so the cluster's round-robin spreads them over both workers.
      const streams = await Promise.all([0, 1, 2, 3].map(() => startStream(served.url, 'slow')));
      const signalledAt = performance.now();
      served.child.kill('SIGTERM');
      for (const { rest } of streams) {
        const { text, broken } = await rest;
        expect(broken).toBe(false);
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
      expect(exit).toBeDefined();
      expect(exit!.atMs - signalledAt).toBeLessThan(5000);
      const { text } = await rest;
      expect(text).toMatch(/"error":\{/);
    } finally {
      served.child.kill('SIGKILL');
    }
  }, 15_000);
});
