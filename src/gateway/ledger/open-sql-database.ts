/**
 * Chooses the ledger's driver by what `database:` names, loading only that one (a SQLite gateway never
 * loads the Postgres client).
 */
import type { SqlDatabase } from './sql-database.ts';

/**
 * Opens the database a `database:` setting names: a `postgres://` (or `postgresql://`) URL, else a
 * SQLite file path (`:memory:` for one that lives as long as the process).
 */
export async function openSqlDatabase(target: string): Promise<SqlDatabase> {
  if (/^postgres(ql)?:\/\//i.test(target)) {
    const { openPostgres } = await import('./postgres-database.ts');
    return openPostgres(target);
  }
  const { openSqlite } = await import('./sqlite-database.ts');
  return openSqlite(target.replace(/^sqlite:(\/\/)?/i, ''));
}
