/**
 * The ledger's schema, as numbered steps run in order on start: each database remembers the last step
 * it ran (`ledger_migrations`), so a new version adds a step and never edits an old one. Several
 * gateways starting at once against one Postgres take an advisory lock; on SQLite the write lock of
 * `BEGIN IMMEDIATE` does the same.
 */
import type { SqlDatabase } from './sql-database.ts';

const MIGRATION_LOCK = 0x756e_6473; // 'unds'

export const MIGRATIONS: readonly string[][] = [
  [
    `CREATE TABLE IF NOT EXISTS requests (
      id TEXT PRIMARY KEY,
      time_ms BIGINT NOT NULL,
      client_key_id TEXT,
      client_name TEXT,
      route TEXT NOT NULL,
      api TEXT NOT NULL,
      stream INTEGER NOT NULL,
      served_model TEXT,
      deployment TEXT,
      key_fingerprint TEXT,
      attempt_count INTEGER NOT NULL,
      attempts TEXT NOT NULL,
      input_tokens BIGINT NOT NULL,
      output_tokens BIGINT NOT NULL,
      cache_read_tokens BIGINT NOT NULL,
      cache_write_tokens BIGINT NOT NULL,
      cost DOUBLE PRECISION,
      insured INTEGER NOT NULL,
      latency_ms DOUBLE PRECISION NOT NULL,
      ttft_ms DOUBLE PRECISION,
      outcome TEXT NOT NULL,
      error_kind TEXT,
      finish_reason TEXT,
      status INTEGER NOT NULL,
      user_agent TEXT,
      tool TEXT NOT NULL,
      body TEXT
    )`,
    'CREATE INDEX IF NOT EXISTS requests_by_time ON requests (time_ms)',
    // Spend per scope (`key:<id>`, `route:<name>`, `tool:<family>`) and period (`day:2026-12-08`,
    // `month:2026-12`), added to as batches are written: budgets read a handful of rows, never a sum
    // over a month of requests.
    `CREATE TABLE IF NOT EXISTS spend (
      scope TEXT NOT NULL,
      period TEXT NOT NULL,
      usd DOUBLE PRECISION NOT NULL,
      requests BIGINT NOT NULL,
      PRIMARY KEY (scope, period)
    )`,
    `CREATE TABLE IF NOT EXISTS client_keys (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      sha256 TEXT NOT NULL UNIQUE,
      routes TEXT,
      budgets TEXT,
      created_ms BIGINT NOT NULL,
      revoked_ms BIGINT
    )`,
  ],
];

/** Brings the schema up to date; safe to run from many processes at once. */
export async function migrate(db: SqlDatabase): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('CREATE TABLE IF NOT EXISTS ledger_migrations (version INTEGER NOT NULL)');
    const rows = await tx.query<{ version: number }>('SELECT MAX(version) AS version FROM ledger_migrations');
    const done = Number(rows[0]?.version ?? 0);
    for (let step = done; step < MIGRATIONS.length; step++) {
      for (const statement of MIGRATIONS[step]!) await tx.query(statement);
      await tx.query('INSERT INTO ledger_migrations (version) VALUES (?)', [step + 1]);
    }
  }, MIGRATION_LOCK);
}
