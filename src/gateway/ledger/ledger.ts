/**
 * The request ledger: every finished request is queued in memory as it finishes and written in batches
 * by a timer, so the request path never waits on the database and a database that is slow or gone never
 * fails a request. The queue is bounded (`maxQueue`); past it the newest records are dropped and counted
 * (`understudy_ledger_dropped_total`). A failed write keeps its batch queued and retries on the next
 * tick, so an outage loses nothing until the queue is full; `close()` writes what is left. Killing the
 * process loses at most the records of the last flush interval (default 1 s).
 *
 * @example
 * const ledger = await openLedger({ database: 'ledger.db' });
 * gateway.events.on('request-finished', (event) => ledger.record(event));
 * await ledger.close();
 */
import { randomUUID } from 'node:crypto';
import { scrubSecrets } from '../errors/scrub.ts';
import type { RequestFinished } from '../events.ts';
import { type LedgerEntry, ledgerEntryOf } from './ledger-entry.ts';
import { type EntryToWrite, LedgerStore, type StoredRequest, storedOf } from './ledger-store.ts';
import { openSqlDatabase } from './open-sql-database.ts';

export interface LedgerOptions {
  /** A `postgres://` URL or a SQLite file path; default `:memory:` (kept only while the process runs). */
  database?: string | undefined;
  /** How often queued records are written (ms). Default 1000. */
  flushIntervalMs?: number | undefined;
  /** Records held while the database cannot take them; past this the newest are dropped. Default 10,000. */
  maxQueue?: number | undefined;
  /** Store request bodies, with keys and `redact` patterns masked. Default false. */
  storeBodies?: boolean | undefined;
  /** Regular expressions (source text) whose matches are masked in stored bodies. */
  redact?: readonly string[] | undefined;
  /**
   * Keep only this many newest requests (spend rows are kept whole). Default: 50,000 for the in-memory
   * database, which would otherwise grow for as long as the process runs; no limit for a file or Postgres.
   */
  retainRequests?: number | undefined;
  log?: ((line: string) => void) | undefined;
}

export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
const DEFAULT_MAX_QUEUE = 10_000;
const DEFAULT_IN_MEMORY_RETENTION = 50_000;
// Trimming to the retention costs a scan of the time index: once a minute at the default interval.
const FLUSHES_PER_TRIM = 60;

/** What else wants each record as it is made (spend tracking): called on the request path, keep it cheap. */
export type EntryListener = (entry: LedgerEntry) => void;

export class Ledger {
  readonly store: LedgerStore;
  readonly storesBodies: boolean;
  readonly flushIntervalMs: number;
  private queue: EntryToWrite[] = [];
  private readonly maxQueue: number;
  private readonly redact: RegExp[];
  private readonly log: (line: string) => void;
  private readonly timer: NodeJS.Timeout;
  private readonly listeners: EntryListener[] = [];
  private readonly afterFlush: Array<() => Promise<void>> = [];
  private running: Promise<void> = Promise.resolve();
  /** The batch being written: still held, still counted against the bound, still found by id. */
  private writing: EntryToWrite[] = [];
  private failing = false;
  /** False until the schema is known to be up to date: a database gone at start is migrated when it answers. */
  private migrated: boolean;
  private closed = false;
  /** Records dropped because the queue was full (the database gone for long, or too slow). */
  dropped = 0;
  /** Records written since start. */
  written = 0;
  private readonly retainRequests: number | undefined;
  private flushesSinceTrim = 0;

  constructor(store: LedgerStore, options: LedgerOptions = {}, migrated = true) {
    this.store = store;
    this.migrated = migrated;
    this.storesBodies = options.storeBodies ?? false;
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
    this.redact = (options.redact ?? []).map((source) => new RegExp(source, 'g'));
    this.log = options.log ?? (() => {});
    this.retainRequests = options.retainRequests;
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  /** Records one finished request (the `request-finished` listener). */
  record(event: RequestFinished): void {
    const entry = ledgerEntryOf(event, Date.now());
    for (const listener of this.listeners) listener(entry);
    if (this.closed || this.queue.length + this.writing.length >= this.maxQueue) {
      this.dropped++;
      return;
    }
    // The body's reference only; serialized and redacted when the batch is written.
    this.queue.push({ id: event.responseId ?? `req_${randomUUID()}`, entry, body: null });
  }

  /** Called with each record as it is made. */
  onEntry(listener: EntryListener): void {
    this.listeners.push(listener);
  }

  /** Run after every flush, in the same serial order (a spend refresh that must not overlap a write). */
  onFlushed(work: () => Promise<void>): void {
    this.afterFlush.push(work);
  }

  /** Records not written yet: a request's page can show it before its batch lands. */
  pending(): readonly EntryToWrite[] {
    return this.writing.length === 0 ? this.queue : [...this.writing, ...this.queue];
  }

  /** A request by its id: still queued, or from the database. */
  async find(id: string): Promise<StoredRequest | undefined> {
    const queued = this.pending().find((item) => item.id === id);
    return queued ? storedOf(queued.id, queued.entry) : this.store.find(id);
  }

  /** Records held, written or not yet: the queue and the batch being written. */
  get queued(): number {
    return this.queue.length + this.writing.length;
  }

  /** Writes what is queued now; flushes never overlap. */
  flush(): Promise<void> {
    this.running = this.running.then(() => this.writeQueued());
    return this.running;
  }

  private async writeQueued(): Promise<void> {
    const batch = this.queue;
    if (batch.length > 0) {
      this.queue = [];
      this.writing = batch;
      if (this.storesBodies) for (const item of batch) item.body = this.bodyText(item.entry.body);
      try {
        if (!this.migrated) {
          await this.store.migrate();
          this.migrated = true;
        }
        await this.store.write(batch).finally(() => {
          this.writing = [];
        });
        this.written += batch.length;
        if (this.failing) this.log(`ledger: the database is back; ${batch.length} queued record(s) written`);
        this.failing = false;
      } catch (error) {
        // Put the batch back in front of what arrived meanwhile, as far as the bound allows.
        const room = Math.max(0, this.maxQueue - this.queue.length);
        this.dropped += Math.max(0, batch.length - room);
        this.queue = batch.slice(0, room).concat(this.queue);
        if (!this.failing)
          this.log(
            `ledger: writing to the database failed (${scrubSecrets(describe(error))}); records stay queued (at most ${this.maxQueue}) and are written when it answers`,
          );
        this.failing = true;
        return;
      }
    }
    if (this.retainRequests !== undefined && ++this.flushesSinceTrim >= FLUSHES_PER_TRIM) {
      this.flushesSinceTrim = 0;
      await this.store.trim(this.retainRequests).catch(() => {});
    }
    for (const work of this.afterFlush) await work().catch(() => {});
  }

  private bodyText(body: unknown): string | null {
    if (body === undefined) return null;
    let text = scrubSecrets(JSON.stringify(body));
    for (const pattern of this.redact) text = text.replace(pattern, '[redacted]');
    return text;
  }

  /** Stops the timer, writes what is queued (waiting at most `timeoutMs`), and closes the database. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.flush(), gaveUp]);
    clearTimeout(timer);
    if (this.queue.length > 0) {
      this.dropped += this.queue.length;
      this.log(`ledger: closing with ${this.queue.length} record(s) the database did not take`);
    }
    await this.store.close().catch(() => {});
  }
}

/**
 * Opens the database, runs its migrations, and starts the ledger's timer. A database that does not
 * answer at start does not stop the gateway: it serves, records queue, and the migrations run when the
 * database answers. A setting that cannot name a database (a SQLite file in a missing folder) throws.
 */
export async function openLedger(options: LedgerOptions = {}): Promise<Ledger> {
  const database = options.database ?? ':memory:';
  const db = await openSqlDatabase(database);
  const store = new LedgerStore(db);
  let migrated = true;
  try {
    await store.migrate();
  } catch (error) {
    migrated = false;
    options.log?.(
      `ledger: the database did not answer at start (${scrubSecrets(describe(error))}); serving anyway, records queue until it does`,
    );
  }
  const retainRequests =
    options.retainRequests ?? (database === ':memory:' ? DEFAULT_IN_MEMORY_RETENTION : undefined);
  return new Ledger(store, { ...options, retainRequests }, migrated);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
