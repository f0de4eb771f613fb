/**
 * The ledger on SQLite through Node's built-in `node:sqlite`: no native package to build, and in the
 * measurement in bench/RESULTS.md ("Ledger: node:sqlite or better-sqlite3") the batched insert the
 * ledger does costs about the same. WAL lets the status page read while a batch is written, and a busy
 * timeout lets the processes of a `--workers` cluster share one file.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqlDatabase, SqlExecutor, SqlValue } from './sql-database.ts';

export function openSqlite(path: string): SqlDatabase {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  // Statements are prepared once per text: the ledger runs the same few thousands of times. Whether one
  // returns rows is read once too (columns() builds a new array at every call).
  const statements = new Map<string, { statement: StatementSync; returnsRows: boolean }>();
  const executor: SqlExecutor = {
    async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
      let prepared = statements.get(sql);
      if (!prepared) {
        const statement = db.prepare(sql);
        prepared = { statement, returnsRows: statement.columns().length > 0 };
        statements.set(sql, prepared);
      }
      if (!prepared.returnsRows) {
        prepared.statement.run(...params);
        return [];
      }
      return prepared.statement.all(...params) as Row[];
    },
  };
  let open = true;
  return {
    dialect: 'sqlite',
    query: executor.query,
    async transaction(work) {
      // IMMEDIATE takes the write lock at once: two processes never both read-then-upgrade.
      db.exec('BEGIN IMMEDIATE');
      try {
        await work(executor);
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    async close() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}
