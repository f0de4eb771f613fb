/**
 * Starts a real, throwaway `redis-server` on a free loopback port for a test file, with persistence off,
 * and can stop and restart it on the same port (to test a Redis that goes away and comes back). When the
 * binary is missing it throws an error that says so and how to install it: these tests fail rather than
 * skip, so a CI machine without Redis cannot pass silently.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { freePort } from '../../support/free-port.ts';
import { waitForOutput } from '../../support/wait-for-output.ts';

export const REDIS_MISSING_MESSAGE =
  'redis-server is absent on this machine: the shared-state tests need a real Redis. ' +
  'Install it with `apt-get update && apt-get install -y redis-server` (Debian package redis-server).';

function redisServerPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(REDIS_MISSING_MESSAGE);
  }
}

export class TestRedisServer {
  readonly port: number;
  readonly #binary: string;
  #child: ChildProcess | undefined;

  private constructor(binary: string, port: number) {
    this.#binary = binary;
    this.port = port;
  }

  static async start(): Promise<TestRedisServer> {
    const server = new TestRedisServer(redisServerPath(), await freePort());
    await server.resume();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port; resolves once Redis accepts connections. */
  async resume(): Promise<void> {
    const child = spawn(
      this.#binary,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'notice',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#child = child;
    await waitForOutput(child, 'stdout', 'Ready to accept connections', 'redis-server');
  }

  /** Stops the server (SIGKILL: an abrupt loss, as when Redis really goes away). */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
}
