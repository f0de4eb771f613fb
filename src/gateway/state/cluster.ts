/**
 * `understudy serve --workers N`: N gateway processes behind one port (node's cluster module; the primary
 * accepts connections and hands them out), sharing breaker state and rate-limit counters through the
 * primary instead of Redis, and answering /metrics for the whole cluster (see MetricsHub).
 * The primary only supervises: it restarts a worker that dies (backing off if workers keep dying young),
 * and on SIGTERM or SIGINT tells every worker to drain and waits for them, killing stragglers after a
 * grace period.
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { HealthStore } from '../../fallback/breaker/health-store.ts';
import { MetricsHub } from '../metrics/cluster-metrics.ts';
import { HealthHub, IpcHealthStore } from './ipc-health-store.ts';
import { IpcRateLimitStore, RateLimitHub } from './ipc-rate-limit-store.ts';
import type { RateLimitStore } from './rate-limit-store.ts';

/** What each worker gets from the cluster: pass it to `startGateway`. */
export interface ClusterWorkerState {
  /**
   * Call once the worker serves. Until one worker has, a worker's death is a failure to start (a port in
   * use, a bad config file) that its successors would repeat forever, so the cluster stops instead.
   */
  ready(): void;
  /** Breaker state shared with the other workers through the primary. */
  healthStore: HealthStore;
  /** Rate-limit counters kept in the primary, so a key's limit holds for the whole cluster. */
  rateLimitStore: RateLimitStore;
}

/** Options of `startCluster`. */
export interface StartClusterOptions {
  /** Worker processes; default one per core. */
  workers?: number;
  /**
   * Runs in each worker: start the gateway (with `state.healthStore`) and resolve with the exit code once
   * it has closed (the worker's own SIGTERM handler closes it).
   */
  startWorker: (state: ClusterWorkerState) => Promise<unknown>;
  /** How long workers may take to drain after SIGTERM before they are killed (ms). Default 30 s. */
  drainTimeoutMs?: number;
  /** Operator log lines; default stderr. */
  log?: (line: string) => void;
}

/**
 * Runs the gateway as a cluster. In the primary it forks the workers, supervises them and resolves with
 * the exit code when they have all stopped; in a worker it calls `startWorker` and resolves with its code.
 *
 * @example
 * process.exitCode = await startCluster({
 *   workers: 4,
 *   startWorker: ({ healthStore, rateLimitStore }) => serveUntilSignal({ ...options, healthStore, rateLimitStore }),
 * });
 */
export async function startCluster(options: StartClusterOptions): Promise<number> {
  if (cluster.isWorker) return runWorker(options);
  return runPrimary(options);
}

async function runWorker(options: StartClusterOptions): Promise<number> {
  // On Ctrl-C the terminal signals every process of the group and the primary then sends SIGTERM too: the
  // gateway's own handler acts on the first signal; these keep the second from killing a draining worker.
  const ignore = (): void => {};
  process.on('SIGTERM', ignore);
  process.on('SIGINT', ignore);
  const healthStore = new IpcHealthStore();
  const rateLimitStore = new IpcRateLimitStore();
  const ready = (): void => {
    process.send?.({ understudyWorkerReady: true });
  };
  const result = await options.startWorker({ healthStore, rateLimitStore, ready });
  process.off('SIGTERM', ignore);
  process.off('SIGINT', ignore);
  await Promise.all([healthStore.close(), rateLimitStore.close()]);
  // The IPC channel keeps a worker alive; let go of it so the process ends once the gateway has closed.
  cluster.worker?.disconnect();
  return typeof result === 'number' ? result : 0;
}

function runPrimary(options: StartClusterOptions): Promise<number> {
  const count = options.workers ?? availableParallelism();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
  const hub = new HealthHub();
  const metricsHub = new MetricsHub();
  const limits = new RateLimitHub();
  const startedAt = new Map<Worker, number>();
  let stopping = false;
  let failedCode = 0;
  let restartDelayMs = 0;
  // Set by the first worker's `ready()`: from then on a dead worker is restarted (see ClusterWorkerState).
  // Not the cluster's 'listening' event, which also fires for servers a worker opens for itself.
  let anyReady = false;
  const onMessage = (_worker: Worker, message: unknown): void => {
    if ((message as { understudyWorkerReady?: boolean } | null)?.understudyWorkerReady) anyReady = true;
  };

  const fork = (): void => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
    hub.serve(worker);
    metricsHub.serve(worker);
    limits.serve(worker);
  };

  return new Promise<number>((resolve) => {
    const onExit = (worker: Worker, code: number | null, signal: string | null): void => {
      const lived = Date.now() - (startedAt.get(worker) ?? 0);
      startedAt.delete(worker);
      if (stopping) {
        if (code !== 0 && code !== null) failedCode = 1;
        if (startedAt.size === 0) finish();
        return;
      }
      if (!anyReady) {
        failedCode = 1;
        log(
          `worker ${worker.process.pid} could not start (${signal ?? `code ${code}`}); stopping the cluster`,
        );
        stop('start failure');
        return;
      }
      // A worker that dies young is probably dying of something that will kill its successor too: wait
      // longer each time (up to 10 s) rather than fork in a tight loop.
      restartDelayMs = lived < 5000 ? Math.min(Math.max(100, restartDelayMs * 2), 10_000) : 0;
      log(
        `worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another${restartDelayMs ? ` in ${restartDelayMs} ms` : ''}`,
      );
      setTimeout(() => {
        if (!stopping) fork();
      }, restartDelayMs);
    };

    let killTimer: NodeJS.Timeout | undefined;
    const stop = (reason: NodeJS.Signals | 'start failure'): void => {
      if (stopping) return;
      stopping = true;
      log(`${reason}: draining ${startedAt.size} worker(s)`);
      for (const worker of startedAt.keys()) worker.process.kill('SIGTERM');
      killTimer = setTimeout(() => {
        log(`workers still running after ${drainTimeoutMs} ms; killing them`);
        for (const worker of startedAt.keys()) worker.process.kill('SIGKILL');
      }, drainTimeoutMs);
      killTimer.unref();
      if (startedAt.size === 0) finish();
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');

    const finish = (): void => {
      clearTimeout(killTimer);
      cluster.off('exit', onExit);
      cluster.off('message', onMessage);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve(failedCode);
    };

    cluster.on('exit', onExit);
    cluster.on('message', onMessage);
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    log(`understudy cluster: primary ${process.pid} starting ${count} worker(s)`);
    for (let i = 0; i < count; i++) fork();
  });
}
