/**
 * Client keys made without editing YAML (`understudy keys create`, `POST /admin/keys`): kept in the
 * ledger's database as sha256 hashes — the key itself is shown once, when made, and never stored. Every
 * gateway process holds the live keys in memory and re-reads them after each ledger flush, so a key made
 * or revoked anywhere works (or stops working) everywhere within a flush interval; in the process that
 * made or revoked it, at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ClientIdentity } from '../auth/client-keys.ts';
import { type Budget, formatBudget, parseBudget } from '../budgets/budget.ts';
import type { SqlDatabase } from '../ledger/sql-database.ts';

/** A managed key as listed: never the key, only its id (the hash's first 12 hex digits). */
export interface ManagedKey {
  id: string;
  name: string;
  routes: string[] | undefined;
  budgets: string[];
  createdAt: string;
  revokedAt: string | null;
}

export interface NewKey {
  name: string;
  budgets?: readonly Budget[] | undefined;
  routes?: readonly string[] | undefined;
}

interface KeyRow {
  id: string;
  name: string;
  sha256: string;
  routes: string | null;
  budgets: string | null;
  created_ms: number;
  revoked_ms: number | null;
}

export class ManagedKeys {
  private readonly db: SqlDatabase;
  /** Live keys by the hex sha256 of the key. */
  private live = new Map<string, ClientIdentity>();

  constructor(db: SqlDatabase) {
    this.db = db;
  }

  get size(): number {
    return this.live.size;
  }

  /** The identity of a live key, by the hex sha256 of what the client presented. */
  identityOf(sha256: string): ClientIdentity | undefined {
    return this.live.get(sha256);
  }

  /** Makes a key; returns it (to be shown once) with its listing. */
  async create(request: NewKey): Promise<{ key: string; listed: ManagedKey }> {
    const key = `us-${randomBytes(24).toString('base64url')}`;
    const sha256 = createHash('sha256').update(key).digest('hex');
    const row: KeyRow = {
      id: sha256.slice(0, 12),
      name: request.name,
      sha256,
      routes: request.routes ? JSON.stringify(request.routes) : null,
      budgets: request.budgets?.length ? JSON.stringify(request.budgets.map(formatBudget)) : null,
      created_ms: Date.now(),
      revoked_ms: null,
    };
    await this.db.query(
      'INSERT INTO client_keys (id, name, sha256, routes, budgets, created_ms, revoked_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [row.id, row.name, row.sha256, row.routes, row.budgets, row.created_ms, row.revoked_ms],
    );
    this.live.set(sha256, identityOf(row));
    return { key, listed: listed(row) };
  }

  async list(): Promise<ManagedKey[]> {
    const rows = await this.db.query<KeyRow>('SELECT * FROM client_keys ORDER BY created_ms');
    return rows.map(listed);
  }

  /** Revokes the key with this id or name; the keys revoked (none when nothing matched). */
  async revoke(idOrName: string): Promise<ManagedKey[]> {
    const rows = await this.db.query<KeyRow>(
      'SELECT * FROM client_keys WHERE (id = ? OR name = ?) AND revoked_ms IS NULL',
      [idOrName, idOrName],
    );
    const now = Date.now();
    for (const row of rows) {
      await this.db.query('UPDATE client_keys SET revoked_ms = ? WHERE id = ?', [now, row.id]);
      this.live.delete(row.sha256);
      row.revoked_ms = now;
    }
    return rows.map(listed);
  }

  /** Re-reads the live keys (after each ledger flush). */
  async refresh(): Promise<void> {
    const rows = await this.db.query<KeyRow>('SELECT * FROM client_keys WHERE revoked_ms IS NULL');
    const next = new Map<string, ClientIdentity>();
    for (const row of rows) next.set(row.sha256, identityOf(row));
    this.live = next;
  }
}

function identityOf(row: KeyRow): ClientIdentity {
  const routes = row.routes ? (JSON.parse(row.routes) as string[]) : undefined;
  const budgets = row.budgets ? (JSON.parse(row.budgets) as string[]) : [];
  return {
    name: row.name,
    keyId: row.id,
    limits: undefined,
    routes: routes ? new Set(routes) : undefined,
    budgets: budgets.flatMap((text) => parseBudget(text) ?? []),
  };
}

function listed(row: KeyRow): ManagedKey {
  return {
    id: row.id,
    name: row.name,
    routes: row.routes ? (JSON.parse(row.routes) as string[]) : undefined,
    budgets: row.budgets ? (JSON.parse(row.budgets) as string[]) : [],
    createdAt: new Date(Number(row.created_ms)).toISOString(),
    revokedAt: row.revoked_ms === null ? null : new Date(Number(row.revoked_ms)).toISOString(),
  };
}
