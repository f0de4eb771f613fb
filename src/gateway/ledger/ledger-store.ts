/**
 * The ledger's SQL, written once for SQLite and Postgres: a batch of requests and the spend they add in
 * one transaction (so a spend row never counts a request the log lost, or the reverse), the request log
 * and one request, and the spend of the current periods.
 */
import type { Attempt } from '../../core/messages.ts';
import type { LedgerEntry } from './ledger-entry.ts';
import { migrate } from './migrations.ts';
import { periodsAt } from './spend-periods.ts';
import type { SqlDatabase, SqlExecutor, SqlValue } from './sql-database.ts';

/** A request as the log and `/v1/generation` read it back. */
export interface StoredRequest {
  id: string;
  time: number;
  clientKeyId: string | null;
  clientName: string | null;
  route: string;
  api: string;
  stream: boolean;
  servedModel: string | null;
  deployment: string | null;
  keyFingerprint: string | null;
  attempts: Attempt[];
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cost: number | null;
  insured: boolean;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
  outcome: string;
  errorKind: string | null;
  finishReason: string | null;
  status: number;
  userAgent: string | null;
  tool: string;
  body: string | null;
}

/** Which requests the log shows; every filter is an exact match. */
export interface RequestFilter {
  /** A client key's id or name. */
  key?: string | undefined;
  route?: string | undefined;
  model?: string | undefined;
  /** `ok`, or an error kind. */
  outcome?: string | undefined;
  /** Only requests older than this (epoch ms): the next page. */
  before?: number | undefined;
  limit?: number | undefined;
}

/** The spend of one scope (`key:<id>`, `route:<name>`, `tool:<family>`) in one period. */
export interface SpendRow {
  scope: string;
  period: string;
  usd: number;
  requests: number;
}

const COLUMNS = [
  'id',
  'time_ms',
  'client_key_id',
  'client_name',
  'route',
  'api',
  'stream',
  'served_model',
  'deployment',
  'key_fingerprint',
  'attempt_count',
  'attempts',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cost',
  'insured',
  'latency_ms',
  'ttft_ms',
  'outcome',
  'error_kind',
  'finish_reason',
  'status',
  'user_agent',
  'tool',
  'body',
] as const;
const ROW_PLACEHOLDERS = `(${COLUMNS.map(() => '?').join(', ')})`;
const INSERT = `INSERT INTO requests (${COLUMNS.join(', ')}) VALUES `;
// Many rows per statement: one round trip to Postgres, and for SQLite one call into the driver instead
// of a hundred (a third less CPU per row in bench/ledger-cost.ts). 100 × 27 parameters stays far below
// both databases' limits (SQLite 32,766; Postgres 65,535).
const ROWS_PER_INSERT = 100;

const UPSERT_SPEND =
  'INSERT INTO spend (scope, period, usd, requests) VALUES (?, ?, ?, ?) ' +
  'ON CONFLICT (scope, period) DO UPDATE SET usd = spend.usd + excluded.usd, requests = spend.requests + excluded.requests';

/** The entry and the text of its body (already redacted), as the writer hands them over. */
export interface EntryToWrite {
  id: string;
  entry: LedgerEntry;
  body: string | null;
}

export class LedgerStore {
  readonly db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.db = db;
  }

  migrate(): Promise<void> {
    return migrate(this.db);
  }

  /** Writes the requests and adds their spend, in one transaction. */
  async write(batch: readonly EntryToWrite[]): Promise<void> {
    const spend = spendOf(batch);
    await this.db.transaction(async (tx) => {
      for (let start = 0; start < batch.length; start += ROWS_PER_INSERT) {
        const end = Math.min(batch.length, start + ROWS_PER_INSERT);
        const values: SqlValue[] = [];
        for (let index = start; index < end; index++) pushRowValues(values, batch[index]!);
        await tx.query(insertRows(end - start), values);
      }
      await addSpend(tx, spend);
    });
  }

  /** Spend rows of these periods (`day:…`, `month:…`), every scope. */
  async spend(periods: readonly string[]): Promise<SpendRow[]> {
    const rows = await this.db.query<SpendRow>(
      `SELECT scope, period, usd, requests FROM spend WHERE period IN (${periods.map(() => '?').join(', ')})`,
      periods,
    );
    return rows.map((row) => ({ ...row, usd: Number(row.usd), requests: Number(row.requests) }));
  }

  async find(id: string): Promise<StoredRequest | undefined> {
    const rows = await this.db.query('SELECT * FROM requests WHERE id = ?', [id]);
    return rows[0] === undefined ? undefined : storedRequest(rows[0]);
  }

  /** Newest first. */
  async list(filter: RequestFilter = {}): Promise<StoredRequest[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const when = (condition: string, ...values: SqlValue[]): void => {
      where.push(condition);
      params.push(...values);
    };
    if (filter.key) when('(client_key_id = ? OR client_name = ?)', filter.key, filter.key);
    if (filter.route) when('route = ?', filter.route);
    if (filter.model) when('served_model = ?', filter.model);
    if (filter.outcome) when('outcome = ?', filter.outcome);
    if (filter.before !== undefined) when('time_ms < ?', filter.before);
    params.push(Math.min(Math.max(filter.limit ?? 100, 1), 1000));
    const rows = await this.db.query(
      `SELECT * FROM requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY time_ms DESC LIMIT ?`,
      params,
    );
    return rows.map(storedRequest);
  }

  /** Deletes all but the `keep` newest requests. */
  async trim(keep: number): Promise<void> {
    const rows = await this.db.query<{ time_ms: number }>(
      'SELECT time_ms FROM requests ORDER BY time_ms DESC LIMIT 1 OFFSET ?',
      [keep],
    );
    if (rows[0] !== undefined)
      await this.db.query('DELETE FROM requests WHERE time_ms <= ?', [Number(rows[0].time_ms)]);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

// The statement for n rows, built once per n (the drivers cache their prepared statements by text).
const insertTexts = new Map<number, string>();
function insertRows(count: number): string {
  let text = insertTexts.get(count);
  if (text === undefined) {
    text = `${INSERT}${Array(count).fill(ROW_PLACEHOLDERS).join(', ')} ON CONFLICT (id) DO NOTHING`;
    insertTexts.set(count, text);
  }
  return text;
}

function pushRowValues(values: SqlValue[], { id, entry, body }: EntryToWrite): void {
  values.push(
    id,
    entry.time,
    entry.clientKeyId ?? null,
    entry.clientName ?? null,
    entry.route,
    entry.api,
    entry.stream ? 1 : 0,
    entry.servedModel ?? null,
    entry.deployment ?? null,
    entry.keyFingerprint ?? null,
    entry.attempts.length,
    JSON.stringify(entry.attempts),
    entry.inputTokens,
    entry.outputTokens,
    entry.cacheReadTokens,
    entry.cacheWriteTokens,
    entry.cost ?? null,
    entry.insured ? 1 : 0,
    entry.latencyMs,
    entry.timeToFirstTokenMs ?? null,
    entry.outcome,
    entry.errorKind ?? null,
    entry.finishReason ?? null,
    entry.status,
    entry.userAgent ?? null,
    entry.tool,
    body,
  );
}

/**
 * A batch's spend summed per scope and period, so each row is upserted once. Requests are first grouped
 * by what decides their rows (key, route, tool, day), one lookup each, as most of a batch shares them.
 */
function spendOf(batch: readonly EntryToWrite[]): Map<string, SpendRow> {
  const groups = new Map<string, { entry: LedgerEntry; usd: number; requests: number }>();
  for (const { entry } of batch) {
    const group = `${entry.clientKeyId}\u0000${entry.route}\u0000${entry.tool}\u0000${periodsAt(entry.time).day}`;
    const sum = groups.get(group);
    if (sum) {
      sum.usd += entry.cost ?? 0;
      sum.requests++;
    } else groups.set(group, { entry, usd: entry.cost ?? 0, requests: 1 });
  }
  const sums = new Map<string, SpendRow>();
  for (const { entry, usd, requests } of groups.values()) {
    const { day, month } = periodsAt(entry.time);
    const scopes = [`route:${entry.route}`, `tool:${entry.tool}`];
    if (entry.clientKeyId !== undefined) scopes.push(`key:${entry.clientKeyId}`);
    for (const period of [day, month]) {
      for (const scope of scopes) {
        const key = `${scope}\u0000${period}`;
        const row = sums.get(key);
        if (row) {
          row.usd += usd;
          row.requests += requests;
        } else sums.set(key, { scope, period, usd, requests });
      }
    }
  }
  return sums;
}

async function addSpend(tx: SqlExecutor, spend: Map<string, SpendRow>): Promise<void> {
  for (const row of spend.values())
    await tx.query(UPSERT_SPEND, [row.scope, row.period, row.usd, row.requests]);
}

function storedRequest(row: Record<string, unknown>): StoredRequest {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  const number = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    id: String(row.id),
    time: Number(row.time_ms),
    clientKeyId: text(row.client_key_id),
    clientName: text(row.client_name),
    route: String(row.route),
    api: String(row.api),
    stream: Number(row.stream) === 1,
    servedModel: text(row.served_model),
    deployment: text(row.deployment),
    keyFingerprint: text(row.key_fingerprint),
    attempts: JSON.parse(String(row.attempts)) as Attempt[],
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cacheReadTokens: Number(row.cache_read_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    cost: number(row.cost),
    insured: Number(row.insured) === 1,
    latencyMs: Number(row.latency_ms),
    timeToFirstTokenMs: number(row.ttft_ms),
    outcome: String(row.outcome),
    errorKind: text(row.error_kind),
    finishReason: text(row.finish_reason),
    status: Number(row.status),
    userAgent: text(row.user_agent),
    tool: String(row.tool),
    body: text(row.body),
  };
}

/** A queued entry in the shape the database gives back. */
export function storedOf(id: string, entry: LedgerEntry): StoredRequest {
  return {
    id,
    time: entry.time,
    clientKeyId: entry.clientKeyId ?? null,
    clientName: entry.clientName ?? null,
    route: entry.route,
    api: entry.api,
    stream: entry.stream,
    servedModel: entry.servedModel ?? null,
    deployment: entry.deployment ?? null,
    keyFingerprint: entry.keyFingerprint ?? null,
    attempts: entry.attempts,
    inputTokens: entry.inputTokens,
    outputTokens: entry.outputTokens,
    cacheReadTokens: entry.cacheReadTokens,
    cacheWriteTokens: entry.cacheWriteTokens,
    cost: entry.cost ?? null,
    insured: entry.insured,
    latencyMs: entry.latencyMs,
    timeToFirstTokenMs: entry.timeToFirstTokenMs ?? null,
    outcome: entry.outcome,
    errorKind: entry.errorKind ?? null,
    finishReason: entry.finishReason ?? null,
    status: entry.status,
    userAgent: entry.userAgent ?? null,
    tool: entry.tool,
    body: null,
  };
}
