/**
 * The processes a gateway benchmark measures, each in its own process, and what /proc says about them:
 * Understudy started as a user starts it (`understudy serve --workers N`, env-only mode: one
 * OpenAI-compatible upstream named by OPENAI_BASE_URL), Portkey started as its README says, optionally
 * pinned to CPUs with `taskset`; their CPU time and RSS, read alike for every process and its children
 * (a `--workers` cluster's workers are children of its primary).
 *
 * @example
 * const understudy = await startUnderstudy({ upstreamUrl, workers: 1 });
 * const before = treeCpuUs(understudy.child.pid!);
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/understudy.js', import.meta.url));
const PORTKEY = fileURLToPath(
  new URL('../../node_modules/@portkey-ai/gateway/build/start-server.js', import.meta.url),
);

export interface Started {
  child: ChildProcess;
  url: string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `node args…`, under `taskset -c cpus` when `cpus` is given. */
export function spawnNode(
  args: string[],
  options: { cpus?: string | undefined; env?: NodeJS.ProcessEnv; stdio?: 'ignore' | 'pipe'; cwd?: string },
): ChildProcess {
  const [command, argv] = options.cpus
    ? ['taskset', ['-c', options.cpus, process.execPath, ...args]]
    : [process.execPath, args];
  return spawn(command, argv, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'ignore', options.stdio ?? 'ignore'],
  });
}

/** Polls `url` until it answers (any status), or throws after `timeoutMs`. */
async function waitUntilUp(
  child: ChildProcess,
  url: string,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${what} exited (code ${child.exitCode}) while starting`);
    const up = await fetch(url).then(
      () => true,
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000} s`);
}

/**
 * `understudy serve --workers N` in env-only mode: no config file, OPENAI_API_KEY set, OPENAI_BASE_URL
 * the upstream's API root; the model to ask for is `openai:<name>`. Run from an empty directory, so no
 * `understudy.yaml` is picked up.
 */
export async function startUnderstudy(options: {
  upstreamUrl: string;
  workers: number;
  cpus?: string | undefined;
  nodeArgs?: string[];
}): Promise<Started> {
  const port = await freePort();
  const child = spawnNode(
    [...(options.nodeArgs ?? []), CLI, 'serve', '--port', String(port), '--workers', String(options.workers)],
    {
      cpus: options.cpus,
      cwd: tmpdir(),
      env: { PATH: process.env.PATH, OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: options.upstreamUrl },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(child, `${url}/health`, `understudy serve --workers ${options.workers}`);
  return { child, url };
}

/** Portkey's gateway as its README starts it (`--port`, `--headless`; production mode: no log UI). */
export async function startPortkey(cpus?: string): Promise<Started> {
  const port = await freePort();
  const child = spawnNode([PORTKEY, `--port=${port}`, '--headless'], {
    cpus,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(child, `${url}/`, 'Portkey');
  return { child, url };
}

const TICKS_PER_S = 100; // Linux USER_HZ; /proc/<pid>/stat counts CPU in these

/** The process and its descendants (a cluster's workers; `taskset` exec()s in place, so no extra level). */
export function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      const children = readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, 'utf8').trim();
      if (children) pids.push(...children.split(' ').map(Number));
    } catch {
      // gone: nothing below it
    }
  }
  return pids;
}

/** CPU µs (user + system) a process has used so far. */
export function cpuUs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

/** CPU µs used so far by a process and every descendant alive now. */
export function treeCpuUs(pid: number): number {
  return processTree(pid).reduce((sum, one) => sum + cpuUs(one), 0);
}

export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

/** Stops a started process and waits for it to exit. */
export async function stop(started: Started): Promise<void> {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return;
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGTERM');
  await exited;
}
