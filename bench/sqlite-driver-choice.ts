/**
 * node:sqlite against better-sqlite3 for what the ledger does: batches of rows of its width inserted in a
 * transaction, each row through one prepared statement, in WAL mode. better-sqlite3 is not a dependency
 * (the choice went the other way): build it somewhere else and name it, e.g.
 *
 *   mkdir /tmp/b && cd /tmp/b && npm install --ignore-scripts better-sqlite3@13.2.0 &&
 *   (cd node_modules/better-sqlite3 && npx node-gyp rebuild --release)
 *   node bench/sqlite-driver-choice.ts --better /tmp/b/node_modules/better-sqlite3 [--better-first]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { better: { type: 'string' }, 'better-first': { type: 'boolean' } },
});
const COLUMNS = 27;
const ROWS = 20_000;
const BATCH = 500;
const schema = `CREATE TABLE requests (id TEXT PRIMARY KEY, ${Array.from({ length: COLUMNS - 1 }, (_, i) => `c${i} ${i % 3 === 0 ? 'TEXT' : 'DOUBLE PRECISION'}`).join(', ')})`;
const insert = `INSERT INTO requests VALUES (${Array(COLUMNS).fill('?').join(', ')})`;
const attempts = JSON.stringify([
  { modelName: 'gpt-4o', providerName: 'openai', outcome: 'ok', startedAt: Date.now(), durationMs: 12.3 },
]);
const row = (i: number) => [
  `chatcmpl-${i}-${Math.random()}`,
  ...Array.from({ length: COLUMNS - 1 }, (_, j) =>
    j % 3 === 0 ? (j === 9 ? attempts : `openai:gpt-4o ${j}`) : i * 1.5 + j,
  ),
];

interface Driver {
  write(rows: unknown[][]): void;
  close(): void;
}

const dir = mkdtempSync(join(tmpdir(), 'sqlite-choice-'));
function run(name: string, open: (file: string) => Driver): void {
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    const driver = open(join(dir, `${name}-${round}.db`));
    const rows = Array.from({ length: ROWS }, (_, i) => row(i));
    const start = performance.now();
    for (let first = 0; first < ROWS; first += BATCH) driver.write(rows.slice(first, first + BATCH));
    times.push(performance.now() - start);
    driver.close();
  }
  times.sort((a, b) => a - b);
  console.log(
    `${name}: ${ROWS} rows in batches of ${BATCH}, median ${times[2]!.toFixed(1)} ms (${Math.round((ROWS / times[2]!) * 1000)} rows/s); runs ${times.map((t) => t.toFixed(0)).join(', ')}`,
  );
}

const nodeSqlite = () =>
  run('node:sqlite', (file) => {
    const db = new DatabaseSync(file);
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    db.exec(schema);
    const statement = db.prepare(insert);
    return {
      write(rows) {
        db.exec('BEGIN IMMEDIATE');
        for (const values of rows) statement.run(...(values as Array<string | number>));
        db.exec('COMMIT');
      },
      close: () => db.close(),
    };
  });

type BetterDatabase = {
  pragma(text: string): unknown;
  exec(sql: string): void;
  prepare(sql: string): { run(...values: unknown[]): unknown };
  transaction(work: (rows: unknown[][]) => void): (rows: unknown[][]) => void;
  close(): void;
};
const betterSqlite = () => {
  if (!values.better)
    return console.log('better-sqlite3: not measured (pass --better <path to its package>)');
  const Better = createRequire(import.meta.url)(values.better) as new (file: string) => BetterDatabase;
  run('better-sqlite3', (file) => {
    const db = new Better(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(schema);
    const statement = db.prepare(insert);
    return {
      write: db.transaction((rows) => {
        for (const values of rows) statement.run(...values);
      }),
      close: () => db.close(),
    };
  });
};

try {
  for (const measure of values['better-first'] ? [betterSqlite, nodeSqlite] : [nodeSqlite, betterSqlite])
    measure();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
