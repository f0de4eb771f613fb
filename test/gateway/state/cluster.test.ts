import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../support/free-port.ts';

const FIXTURE = fileURLToPath(new URL('./cluster-fixture.ts', import.meta.url));

/** The cluster's primary and what it printed, with a way to wait for a line. */
class RunningCluster {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  #waiters: Array<() => void> = [];

  constructor(port: number, workers: number) {
    this.child = spawn(process.execPath, [FIXTURE, String(port), String(workers)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffer = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  async waitFor(test: (lines: string[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test(this.lines)) {
      if (Date.now() > deadline)
        throw new Error(`cluster output did not match in time:\n${this.lines.join('\n')}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  workers(): Array<{ pid: number; control: number }> {
    return this.lines
      .filter((line) => line.startsWith('ready '))
      .map((line) => {
        const [, pid, control] = line.split(' ');
        return { pid: Number(pid), control: Number(control) };
      });
  }
}

type WorkerAnswer = { pid: number; state: string; admit: string };

async function ask<T = WorkerAnswer>(port: number, path: string): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return (await response.json()) as T;
}

describe('startCluster (real forked workers)', () => {
  let running: RunningCluster | undefined;
  afterEach(() => {
    if (running?.child.exitCode === null) running.child.kill('SIGKILL');
    running = undefined;
  });

  it('shares breakers between workers through the primary, restarts dead workers, drains on SIGTERM', async () => {
    const port = await freePort();
    running = new RunningCluster(port, 2);
    await running.waitFor(() => running?.workers().length === 2);
    const [a, b] = running.workers() as [{ pid: number; control: number }, { pid: number; control: number }];
    expect(a.pid).not.toBe(b.pid);

    // One port, both workers behind it (round-robin over new connections).
    const servedBy = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const response = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } });
      servedBy.add(await response.text());
    }
    expect([...servedBy].sort()).toEqual([String(a.pid), String(b.pid)].sort());

    // Three failures in worker A open the breaker; worker B sees it.
    expect((await ask(b.control, '/state?key=openai:gpt-4o')).admit).toBe('pass');
    for (let i = 0; i < 3; i++) await ask(a.control, '/fail?key=openai:gpt-4o');
    expect(await ask(a.control, '/state?key=openai:gpt-4o')).toEqual({
      pid: a.pid,
      state: 'open',
      admit: 'skip',
    });
    const started = performance.now();
    let seen = await ask(b.control, '/state?key=openai:gpt-4o');
    while (seen.state !== 'open' && performance.now() - started < 1000)
      seen = await ask(b.control, '/state?key=openai:gpt-4o');
    console.info(
      `breaker propagation between cluster workers: ${(performance.now() - started).toFixed(2)} ms`,
    );
    expect(seen).toEqual({ pid: b.pid, state: 'open', admit: 'skip' });

    // One rate limit for the cluster: 5 per minute, whichever worker counts.
    const hits: boolean[] = [];
    for (let i = 0; i < 8; i++) {
      hits.push((await ask<{ allowed: boolean }>(i % 2 === 0 ? a.control : b.control, '/hit')).allowed);
    }
    expect(hits).toEqual([true, true, true, true, true, false, false, false]);

    // /metrics on the shared port answers for every worker, whichever one takes the scrape.
    for (let i = 0; i < 2; i++) await ask(a.control, '/emit');
    for (let i = 0; i < 3; i++) await ask(b.control, '/emit');
    for (let i = 0; i < 2; i++) {
      const text = await (
        await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { connection: 'close' } })
      ).text();
      expect(text).toContain('understudy_requests_total{route="chat",api="openai",status="200"} 5');
      // Only A saw its breaker change: the cluster's value is the worst state, not a sum.
      expect(text).toContain('understudy_breaker_state{key="openai:gpt-4o"} 2');
    }

    // A worker that dies is replaced, and the new one learns the open breaker from the primary.
    process.kill(a.pid, 'SIGKILL');
    await running.waitFor(() => running?.workers().length === 3);
    const c = running.workers()[2] as { pid: number; control: number };
    let fresh = await ask(c.control, '/state?key=openai:gpt-4o');
    const deadline = Date.now() + 2000;
    while (fresh.state !== 'open' && Date.now() < deadline)
      fresh = await ask(c.control, '/state?key=openai:gpt-4o');
    expect(fresh).toEqual({ pid: c.pid, state: 'open', admit: 'skip' });

    // SIGTERM: workers drain and the primary exits cleanly.
    const exited = new Promise<number | null>((resolve) =>
      running?.child.once('exit', (code) => resolve(code)),
    );
    running.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(running.lines).toContain('primary exited 0');
    expect(
      running.lines.some((line) => line.includes(`worker ${a.pid} exited (SIGKILL); starting another`)),
    ).toBe(true);
  });
});
