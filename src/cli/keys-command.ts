/**
 * `understudy keys create|list|revoke`: client keys in the ledger's database, the same ones the admin
 * API manages. The database comes from `--database`, or the config's `database:`; an in-memory one
 * would forget the key at once, so it is refused.
 *
 * @example
 * process.exitCode = await runKeysCommand(['create', '--name', 'ci', '--budget', '50/month']);
 */
import { existsSync } from 'node:fs';
import { didYouMean } from '../core/errors/suggest.ts';
import { type ManagedKey, ManagedKeys } from '../gateway/admin/managed-keys.ts';
import { BUDGET_HINT, type Budget, parseBudget } from '../gateway/budgets/budget.ts';
import { loadConfigFile } from '../gateway/config/load-config.ts';
import { migrate } from '../gateway/ledger/migrations.ts';
import { openSqlDatabase } from '../gateway/ledger/open-sql-database.ts';
import { parseCommandLine } from './command-line/parse.ts';
import { UsageError } from './command-line/usage-error.ts';
import { KEYS_ACTIONS, KEYS_COMMAND } from './specs/keys.ts';

export async function runKeysCommand(
  argv: string[],
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const line = parseCommandLine(KEYS_COMMAND, argv);
  if (line.kind === 'help') {
    write(line.text);
    return 0;
  }
  const { values, positionals } = line;
  const [action = '', ...rest] = positionals;
  if (!(KEYS_ACTIONS as readonly string[]).includes(action))
    throw new UsageError(
      `unknown action '${action}'${didYouMean(action, KEYS_ACTIONS)}; use create, list or revoke`,
    );
  const budgets = (values.budget ?? []).map(budgetOf);
  if (action === 'create' && values.name === undefined)
    throw new UsageError('create needs --name, e.g. understudy keys create --name ci --budget 50/month');
  if (action === 'revoke' && rest.length !== 1)
    throw new UsageError('revoke takes one key id or name, e.g. understudy keys revoke ci');
  if (action !== 'revoke' && rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);

  const db = await openSqlDatabase(await databaseOf(values.database, values.config));
  try {
    await migrate(db);
    const keys = new ManagedKeys(db);
    if (action === 'create') {
      const routes = values.routes
        ?.split(',')
        .map((route) => route.trim())
        .filter(Boolean);
      const made = await keys.create({ name: values.name!, budgets, routes });
      if (values.json) write(`${JSON.stringify({ key: made.key, ...made.listed })}\n`);
      else
        write(
          `${made.key}\n\nKey '${made.listed.name}' (id ${made.listed.id}) created. This is the only time it is shown: only its hash is stored.\n`,
        );
      return 0;
    }
    if (action === 'list') {
      const listed = await keys.list();
      write(values.json ? `${JSON.stringify(listed)}\n` : listing(listed));
      return 0;
    }
    const revoked = await keys.revoke(rest[0]!);
    if (revoked.length === 0) {
      process.stderr.write(
        `understudy keys: no live key with id or name '${rest[0]}'; 'understudy keys list' shows them.\n`,
      );
      return 1;
    }
    write(
      values.json
        ? `${JSON.stringify(revoked)}\n`
        : `Revoked ${revoked.map((key) => `'${key.name}' (${key.id})`).join(', ')}.\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}

function budgetOf(text: string): Budget {
  const budget = parseBudget(text);
  if (!budget) throw new UsageError(`--budget '${text}' is not a budget: ${BUDGET_HINT}`);
  return budget;
}

async function databaseOf(database: string | undefined, configPath: string | undefined): Promise<string> {
  if (database !== undefined) return database;
  const path = configPath ?? (existsSync('understudy.yaml') ? 'understudy.yaml' : undefined);
  const configured = path === undefined ? undefined : (await loadConfigFile(path)).database;
  if (configured === undefined || configured === ':memory:')
    throw new UsageError(
      `keys live in the gateway's database, and ${path === undefined ? 'there is no config (--config, or ./understudy.yaml)' : `${path} names none`}: add database: (a postgres:// URL or a SQLite file) to the config, or pass --database`,
    );
  return configured;
}

function listing(keys: readonly ManagedKey[]): string {
  if (keys.length === 0) return "No keys yet: 'understudy keys create --name <name>' makes one.\n";
  const rows = keys.map((key) => [
    key.id,
    key.name,
    key.revokedAt ? `revoked ${key.revokedAt.slice(0, 10)}` : 'live',
    key.budgets.join(' ') || '-',
    key.routes?.join(',') ?? 'all routes',
    key.createdAt.slice(0, 10),
  ]);
  const header = ['ID', 'NAME', 'STATE', 'BUDGETS', 'ROUTES', 'CREATED'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const format = (row: string[]) =>
    `${row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd()}\n`;
  return format(header) + rows.map(format).join('');
}
