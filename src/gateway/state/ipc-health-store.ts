/**
 * Breaker state shared by the workers of one `understudy serve --workers N`, without Redis: the primary
 * process holds the authoritative records (`HealthHub`), each worker's `IpcHealthStore` sends its writes
 * there over the cluster's IPC channel and mirrors the answers, and the primary broadcasts every state
 * change to the other workers. A worker whose primary is gone keeps working on its own mirror.
 */
import type { Worker } from 'node:cluster';
import {
  applyOutcome,
  applyTransition,
  type BreakerPosition,
  freshHealthRecord,
  type HealthOutcome,
  isVersionedHealthRecord,
  type VersionedHealthRecord,
} from './health-record.ts';
import {
  type HealthBackend,
  type HealthBackendListener,
  SharedHealthStore,
  type SharedHealthStoreOptions,
} from './shared-health-store.ts';

// Every message carries this tag, so the channel can be shared with other IPC users.
const TAG = 'understudy:health';

type HealthRequest =
  | { op: 'record'; key: string; outcome: HealthOutcome }
  | { op: 'transition'; key: string; from: BreakerPosition; to: BreakerPosition; changedAt: number }
  | { op: 'merge'; key: string; entry: VersionedHealthRecord }
  | { op: 'snapshot' };

type WorkerMessage = { tag: typeof TAG; kind: 'request'; id: number; request: HealthRequest };
type PrimaryMessage =
  | { tag: typeof TAG; kind: 'reply'; id: number; result: unknown }
  | { tag: typeof TAG; kind: 'changed'; key: string; entry: VersionedHealthRecord };

function isTagged(message: unknown): message is { tag: typeof TAG; kind: string } {
  return typeof message === 'object' && message !== null && (message as { tag?: unknown }).tag === TAG;
}

/**
 * The primary's side: answers workers' requests from one map and tells the others what changed.
 *
 * @example
 * const hub = new HealthHub();
 * cluster.on('fork', (worker) => hub.serve(worker));
 */
export class HealthHub {
  readonly #records = new Map<string, VersionedHealthRecord>();
  readonly #workers = new Set<Worker>();

  /** Serves one worker until it exits. */
  serve(worker: Worker): void {
    this.#workers.add(worker);
    worker.on('message', (message: unknown) => {
      if (!isTagged(message) || message.kind !== 'request') return;
      const { id, request } = message as WorkerMessage;
      let result: unknown;
      try {
        result = this.#handle(request, worker);
      } catch {
        result = undefined; // a malformed request: the worker times out and answers locally
      }
      if (result !== undefined && worker.isConnected()) worker.send({ tag: TAG, kind: 'reply', id, result });
    });
    worker.once('exit', () => this.#workers.delete(worker));
  }

  /** The records as the primary holds them (for tests and diagnostics). */
  get(key: string): VersionedHealthRecord | undefined {
    return this.#records.get(key);
  }

  #handle(request: HealthRequest, from: Worker): unknown {
    switch (request.op) {
      case 'record': {
        const entry = this.#entry(request.key);
        applyOutcome(entry, request.outcome);
        return entry;
      }
      case 'transition': {
        const entry = this.#entry(request.key);
        const moved = applyTransition(entry, request.from, request.to, request.changedAt);
        if (moved) this.#broadcast(request.key, entry, from);
        return { moved, entry };
      }
      case 'merge': {
        if (!isVersionedHealthRecord(request.entry)) return undefined;
        const current = this.#records.get(request.key);
        if (current && current.changedAt >= request.entry.changedAt) return current;
        this.#records.set(request.key, request.entry);
        this.#broadcast(request.key, request.entry, from);
        return request.entry;
      }
      case 'snapshot':
        return [...this.#records];
      default:
        return undefined;
    }
  }

  #entry(key: string): VersionedHealthRecord {
    let entry = this.#records.get(key);
    if (!entry) {
      entry = freshHealthRecord();
      this.#records.set(key, entry);
    }
    return entry;
  }

  #broadcast(key: string, entry: VersionedHealthRecord, except: Worker): void {
    const message: PrimaryMessage = { tag: TAG, kind: 'changed', key, entry };
    for (const worker of this.#workers) {
      if (worker !== except && worker.isConnected()) worker.send(message);
    }
  }
}

/** What a worker process needs of its IPC channel (node's `process` in a cluster worker). */
export interface IpcChannel {
  readonly connected: boolean;
  send?(message: unknown): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
}

/**
 * The worker's side of `HealthHub`, as a `SharedHealthStore` backend.
 *
 * @example
 * const store = new SharedHealthStore(new IpcHealthBackend(process, { timeoutMs: 200 }));
 */
export class IpcHealthBackend implements HealthBackend {
  readonly #channel: IpcChannel;
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  #nextId = 1;
  #listener: HealthBackendListener | undefined;

  constructor(channel: IpcChannel = process as IpcChannel, options: { timeoutMs?: number } = {}) {
    this.#channel = channel;
    this.#timeoutMs = options.timeoutMs ?? 500;
    channel.on('message', (message) => this.#receive(message));
    channel.on('disconnect', () => {
      for (const { reject } of this.#pending.values()) reject(new Error('the cluster primary is gone'));
      this.#pending.clear();
    });
  }

  get available(): boolean {
    return this.#channel.connected && this.#channel.send !== undefined;
  }

  async record(key: string, outcome: HealthOutcome): Promise<VersionedHealthRecord> {
    return this.#entry(await this.#request({ op: 'record', key, outcome }));
  }

  async transition(
    key: string,
    from: BreakerPosition,
    to: BreakerPosition,
    changedAt: number,
  ): Promise<{ moved: boolean; entry: VersionedHealthRecord }> {
    const result = (await this.#request({ op: 'transition', key, from, to, changedAt })) as {
      moved?: unknown;
      entry?: unknown;
    };
    return { moved: result?.moved === true, entry: this.#entry(result?.entry) };
  }

  async merge(key: string, entry: VersionedHealthRecord): Promise<VersionedHealthRecord> {
    return this.#entry(await this.#request({ op: 'merge', key, entry }));
  }

  async snapshot(): Promise<Map<string, VersionedHealthRecord>> {
    const rows = await this.#request({ op: 'snapshot' });
    const map = new Map<string, VersionedHealthRecord>();
    if (Array.isArray(rows)) {
      for (const row of rows) {
        if (Array.isArray(row) && typeof row[0] === 'string' && isVersionedHealthRecord(row[1]))
          map.set(row[0], row[1]);
      }
    }
    return map;
  }

  listen(listener: HealthBackendListener): void {
    this.#listener = listener;
    // A (re)started worker learns the breakers the others already opened.
    queueMicrotask(() => listener.reconnected());
  }

  async close(): Promise<void> {
    for (const { reject } of this.#pending.values()) reject(new Error('closed'));
    this.#pending.clear();
  }

  #request(request: HealthRequest): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the cluster primary did not answer ${request.op} within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      timer.unref();
      this.#pending.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      const message: WorkerMessage = { tag: TAG, kind: 'request', id, request };
      this.#channel.send?.(message);
    });
  }

  #receive(message: unknown): void {
    if (!isTagged(message)) return;
    const parsed = message as PrimaryMessage;
    if (parsed.kind === 'reply') {
      const pending = this.#pending.get(parsed.id);
      this.#pending.delete(parsed.id);
      pending?.resolve(parsed.result);
    } else if (parsed.kind === 'changed' && isVersionedHealthRecord(parsed.entry)) {
      this.#listener?.changed(parsed.key, parsed.entry);
    }
  }

  #entry(value: unknown): VersionedHealthRecord {
    if (!isVersionedHealthRecord(value))
      throw new Error('the cluster primary sent a malformed breaker record');
    return value;
  }
}

/**
 * The `HealthStore` of a cluster worker: breaker state shared with the other workers through the
 * primary (see `startCluster`, which makes one for each worker).
 *
 * @example
 * // in a worker forked by startCluster
 * const healthStore = new IpcHealthStore();
 * await startGateway({ config, healthStore });
 */
export class IpcHealthStore extends SharedHealthStore {
  constructor(options: SharedHealthStoreOptions & { channel?: IpcChannel; timeoutMs?: number } = {}) {
    const backendOptions = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
    super(new IpcHealthBackend(options.channel ?? (process as IpcChannel), backendOptions), options);
  }
}
