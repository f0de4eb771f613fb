/**
 * A gateway that cannot start must not keep its process alive: what it opened before failing (the demo's
 * local upstreams, a Redis connection) is closed, so a program that catches the error can exit. Run in a
 * fresh node process, because "the process exits by itself" is the property under test.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const GATEWAY = fileURLToPath(new URL('../../src/gateway/index.ts', import.meta.url));

test('startGateway on a port in use rejects, and what it opened is closed so the process exits', async () => {
  const busy = createServer();
  busy.listen(0, '127.0.0.1');
  await once(busy, 'listening');
  const { port } = busy.address() as { port: number };
  try {
    // Demo mode (no config, no keys) starts three local chaos upstreams before it tries to listen.
    const script = `
      const { startGateway } = await import(${JSON.stringify(GATEWAY)});
      try { await startGateway({ port: ${port}, env: {}, log: () => {} }); console.log('started'); }
      catch (error) { console.log('rejected ' + error.code); }`;
    const outcome = await new Promise<{ code: number | null; stdout: string; killed: boolean }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--input-type=module', '-e', script],
        { timeout: 15_000, env: { PATH: process.env.PATH } },
        (error, stdout) => resolve({ code: child.exitCode, stdout, killed: error?.killed ?? false }),
      );
    });
    expect(outcome.stdout.trim()).toBe('rejected EADDRINUSE');
    // Before: the demo upstreams kept the event loop alive and the process hung until killed.
    expect(outcome.killed).toBe(false);
    expect(outcome.code).toBe(0);
  } finally {
    busy.close();
  }
});
