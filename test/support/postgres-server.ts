/**
 * A real, throwaway Postgres (Debian's `postgresql` package) for a test file: a new cluster in a temp
 * directory, listening on a free loopback port, with a `understudy` database. Postgres refuses to run as
 * root, and CI runs as root, so initdb and the server run as the `postgres` user through `runuser` when
 * this process is root. The server is tied to this process: a watchdog shell ends it when the test
 * process is gone, however it died, and `stop()` removes the cluster. It can also be stopped and
 * started again on the same port (a database that goes away and comes back). Missing binaries are an
 * error naming the package: these tests fail rather than skip.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { waitForOutput } from './wait-for-output.ts';

export const POSTGRES_MISSING_MESSAGE =
  'Postgres is absent on this machine: the ledger tests need a real server. Install it with ' +
  '`apt-get update && apt-get install -y postgresql` (Debian package postgresql).';

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions
    .map((version) => join(root, version, 'bin'))
    .find((dir) => existsSync(join(dir, 'postgres')));
  if (!found) throw new Error(POSTGRES_MISSING_MESSAGE);
  return found;
}

const asRoot = process.getuid?.() === 0;

/** Runs a Postgres binary as the `postgres` user when we are root, as ourselves otherwise. */
function command(binary: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
}

export class TestPostgresServer {
  readonly port: number;
  readonly #bin: string;
  readonly #dir: string;
  #child: ChildProcess | undefined;

  private constructor(bin: string, dir: string, port: number) {
    this.#bin = bin;
    this.#dir = dir;
    this.port = port;
  }

  static async start(): Promise<TestPostgresServer> {
    const bin = binDir();
    const dir = mkdtempSync(join(tmpdir(), 'understudy-pg-'));
    // The postgres user must own its cluster; the temp dir is made by whoever runs the tests.
    if (asRoot) execFileSync('chown', ['postgres:', dir]);
    chmodSync(dir, 0o700);
    const [initdb, args] = command(join(bin, 'initdb'), [
      '-D',
      join(dir, 'data'),
      '-U',
      'understudy',
      '-A',
      'trust',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    execFileSync(initdb, args, { stdio: 'pipe' });
    const server = new TestPostgresServer(bin, dir, await freePort());
    await server.resume();
    const [createdb, createArgs] = command(join(bin, 'createdb'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(server.port),
      '-U',
      'understudy',
      'understudy',
    ]);
    execFileSync(createdb, createArgs, { stdio: 'pipe' });
    return server;
  }

  get url(): string {
    return `postgres://understudy@127.0.0.1:${this.port}/understudy`;
  }

  /** Starts (again) on the same port; resolves once it accepts connections. */
  async resume(): Promise<void> {
    const postgres = join(this.#bin, 'postgres');
    const server = [
      postgres,
      '-D',
      join(this.#dir, 'data'),
      '-p',
      String(this.port),
      '-h',
      '127.0.0.1',
      '-k',
      this.#dir,
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
    ];
    const run = asRoot
      ? `runuser -u postgres -- ${server.map(quote).join(' ')}`
      : server.map(quote).join(' ');
    // The watchdog: the server lives only while this test process does.
    const script = `${run} & pg=$!; while kill -0 ${process.pid} 2>/dev/null && kill -0 $pg 2>/dev/null; do sleep 1; done; kill -INT $pg 2>/dev/null; wait $pg`;
    const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    await waitForOutput(child, 'stderr', 'ready to accept connections', 'postgres');
  }

  /** Stops the server (fast shutdown), keeping the cluster for `resume()`. */
  async pause(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // The postmaster itself (runuser does not pass signals on): SIGINT is Postgres's fast shutdown.
    const pidFile = join(this.#dir, 'data', 'postmaster.pid');
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n', 1)[0]);
    process.kill(pid, 'SIGINT');
    await exited;
  }

  /** Stops the server and removes its cluster. */
  async stop(): Promise<void> {
    await this.pause();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

function quote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}
