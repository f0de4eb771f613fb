/**
 * The ledger on Postgres, so every gateway process on every machine writes one ledger and reads one
 * spend. Through `postgres` (porsager): no dependencies, pipelined queries, and `unsafe(text, params)`
 * takes the ledger's own parameterized SQL as it is. A few connections are enough: writes are batched.
 */
import postgres from 'postgres';
import type { SqlDatabase, SqlExecutor, SqlValue } from './sql-database.ts';

export function openPostgres(url: string): SqlDatabase {
  const sql = postgres(url, {
    max: 4,
    // A gateway must start (and serve) with the database gone: fail a query fast, never hang on it.
    connect_timeout: 5,
    // The driver waits longer between reconnects after each failure (up to 20 s), holding queries
    // meanwhile; the ledger retries on its own timer, so a database that is back is used at its next flush.
    backoff: () => 0.05,
    idle_timeout: 60,
    onnotice: () => {},
    // Counts, epoch milliseconds and sums as numbers, not the strings Postgres sends for BIGINT and NUMERIC.
    types: {
      bigint: { to: 20, from: [20, 1700], serialize: (value: number) => String(value), parse: Number },
    },
  });
  const executorOf = (run: postgres.Sql | postgres.TransactionSql): SqlExecutor => ({
    async query<Row>(text: string, params: readonly SqlValue[] = []): Promise<Row[]> {
      const rows = await run.unsafe(numbered(text), params as postgres.ParameterOrJSON<never>[]);
      return rows as unknown as Row[];
    },
  });
  const executor = executorOf(sql);
  return {
    dialect: 'postgres',
    query: executor.query,
    async transaction(work, lockId) {
      await sql.begin(async (tx) => {
        if (lockId !== undefined) await tx.unsafe('SELECT pg_advisory_xact_lock($1)', [lockId]);
        await work(executorOf(tx));
      });
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}

// The ledger writes `?`; Postgres numbers its parameters. No statement of the ledger has a `?` in a literal.
const cache = new Map<string, string>();
function numbered(text: string): string {
  let result = cache.get(text);
  if (result === undefined) {
    let index = 0;
    result = text.replace(/\?/g, () => `$${++index}`);
    cache.set(text, result);
  }
  return result;
}
