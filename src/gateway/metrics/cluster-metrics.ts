/**
 * /metrics for `understudy serve --workers N`. Prometheus scrapes one port, and the cluster hands the
 * scrape to whichever worker is next, so each worker alone would report a random 1/N of the traffic. The
 * worker that gets the scrape asks the primary, the primary asks every worker for its metrics (as JSON),
 * merges them with prom-client's aggregator (counters and histograms summed, the breaker gauge by max,
 * process metrics as prom-client defines) and answers with the whole cluster's text.
 */
import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const TAG = 'understudy:metrics';

type Message =
  | { tag: typeof TAG; kind: 'collect'; id: number }
  | { tag: typeof TAG; kind: 'collected'; id: number; text?: string; error?: string }
  | { tag: typeof TAG; kind: 'report-request'; id: number }
  | { tag: typeof TAG; kind: 'report'; id: number; metrics: unknown };

function isMetricsMessage(message: unknown): message is Message {
  return typeof message === 'object' && message !== null && (message as { tag?: unknown }).tag === TAG;
}

/**
 * The primary's side: answers a worker's `collect` with the merged metrics of every live worker. Workers
 * that do not report within `timeoutMs` are left out rather than failing the scrape.
 *
 * @example
 * const metricsHub = new MetricsHub();
 * cluster.on('fork', (worker) => metricsHub.serve(worker));
 */
export class MetricsHub {
  readonly #workers = new Set<Worker>();
  readonly #timeoutMs: number;
  #nextId = 1;
  readonly #reports = new Map<number, (metrics: unknown) => void>();

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 1000;
  }

  serve(worker: Worker): void {
    this.#workers.add(worker);
    worker.once('exit', () => this.#workers.delete(worker));
    worker.on('message', (message: unknown) => {
      if (!isMetricsMessage(message)) return;
      if (message.kind === 'report') this.#reports.get(message.id)?.(message.metrics);
      if (message.kind === 'collect') {
        this.#collect().then(
          (text) =>
            worker.isConnected() && worker.send({ tag: TAG, kind: 'collected', id: message.id, text }),
          (error: unknown) =>
            worker.isConnected() &&
            worker.send({ tag: TAG, kind: 'collected', id: message.id, error: String(error) }),
        );
      }
    });
  }

  async #collect(): Promise<string> {
    const reports = await Promise.all([...this.#workers].map((worker) => this.#ask(worker)));
    const metrics = reports.filter((report): report is object[] => Array.isArray(report));
    return AggregatorRegistry.aggregate(metrics).metrics();
  }

  #ask(worker: Worker): Promise<unknown> {
    if (!worker.isConnected()) return Promise.resolve(undefined);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), this.#timeoutMs);
      const done = (metrics: unknown) => {
        clearTimeout(timer);
        this.#reports.delete(id);
        resolve(metrics);
      };
      this.#reports.set(id, done);
      worker.send({ tag: TAG, kind: 'report-request', id });
    });
  }
}

/** What a worker needs of its IPC channel (node's `process` in a cluster worker). */
export interface MetricsChannel {
  readonly connected: boolean;
  send?(message: unknown): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * The worker's side: reports its registry when the primary asks, and fetches the merged text for a
 * scrape. Without a primary that answers (not in a cluster, or the primary is gone) `metrics()` falls
 * back to this worker's own registry.
 *
 * @example
 * const source = new ClusterMetricsClient(registry, process);
 * res.end(await source.metrics());
 */
export class ClusterMetricsClient {
  readonly #registry: Registry;
  readonly #channel: MetricsChannel;
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, (text: string | undefined) => void>();
  #nextId = 1;

  constructor(registry: Registry, channel: MetricsChannel, options: { timeoutMs?: number } = {}) {
    this.#registry = registry;
    this.#channel = channel;
    this.#timeoutMs = options.timeoutMs ?? 2000;
    channel.on('message', (message) => {
      if (!isMetricsMessage(message)) return;
      if (message.kind === 'report-request') {
        this.#registry.getMetricsAsJSON().then((metrics) => {
          if (this.#channel.connected)
            this.#channel.send?.({ tag: TAG, kind: 'report', id: message.id, metrics });
        });
      } else if (message.kind === 'collected') {
        this.#pending.get(message.id)?.(message.text);
      }
    });
  }

  async metrics(): Promise<string> {
    if (!this.#channel.connected || !this.#channel.send) return this.#registry.metrics();
    const id = this.#nextId++;
    const text = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => done(undefined), this.#timeoutMs);
      timer.unref();
      const done = (value: string | undefined) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(value);
      };
      this.#pending.set(id, done);
      this.#channel.send?.({ tag: TAG, kind: 'collect', id });
    });
    return text ?? this.#registry.metrics();
  }
}
