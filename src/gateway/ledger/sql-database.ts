/**
 * The few things the ledger asks of a database, so its SQL is written once for SQLite and Postgres:
 * run a statement with `?` parameters, and run several in one transaction. Both drivers meet it in a
 * few lines (sqlite-database.ts, postgres-database.ts); the SQL keeps to what both dialects share
 * (upsert with `ON CONFLICT`, no `RETURNING`, numbers as DOUBLE PRECISION or BIGINT).
 */

/** A value a statement takes: Postgres and SQLite both bind these as they are. */
export type SqlValue = string | number | null;

/** Runs statements; `?` marks each parameter, in order. Rows come back as plain objects by column. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
}

export interface SqlDatabase extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** One transaction around `work`; Postgres also takes `lockId` as an advisory lock (migrations). */
  transaction(work: (tx: SqlExecutor) => Promise<void>, lockId?: number): Promise<void>;
  close(): Promise<void>;
}
