/**
 * Who is calling: client keys from the config (sha256 hashes, or env references read at load) or from
 * `UNDERSTUDY_CLIENT_KEYS`. The presented key is hashed and compared with every stored hash in constant
 * time, so neither the key nor which entry matched shows in the timing. Only hashes are kept in memory.
 *
 * @example
 * const keys = ClientKeys.fromConfig(config, process.env);
 * const client = keys.authenticate(req.headers); // throws 401 GatewayError, or undefined when keys are off
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Budget } from '../budgets/budget.ts';
import type { GatewayConfig, LimitsConfig } from '../config/schema.ts';
import { GatewayError } from '../errors/gateway-error.ts';

/** An authenticated client. `keyId` is a hash prefix: safe for logs, metrics and rate-limit keys. */
export interface ClientIdentity {
  name: string;
  keyId: string;
  limits: LimitsConfig | undefined;
  /** Route names it may use; undefined for all. */
  routes: ReadonlySet<string> | undefined;
  /** Its USD budgets per day or month (the config's `budgets.keys`, or a managed key's own). */
  budgets?: readonly Budget[] | undefined;
}

/** Keys kept outside the config (the database's managed keys), asked after the config's own. */
export interface KeySource {
  readonly size: number;
  identityOf(sha256: string): ClientIdentity | undefined;
}

/**
 * Refuses (403) a request whose chain lands on a route the key may not use. Judged by where the request
 * lands — the route a pattern or a rule chose — not by the id it happened to send.
 */
export function enforceAllowedRoutes(client: ClientIdentity | undefined, targets: readonly string[]): void {
  const allowed = client?.routes;
  if (!allowed) return;
  const refused = targets.find((id) => !allowed.has(id));
  if (refused === undefined) return;
  throw new GatewayError(
    403,
    'forbidden',
    `This key may not use '${refused}'; allowed: ${[...allowed].join(', ')}.`,
    { param: 'model' },
  );
}

interface StoredKey {
  hash: Buffer;
  identity: ClientIdentity;
}

/** The hex sha256 of a key: what the config stores in `sha256:`. */
export function hashClientKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export class ClientKeys {
  private readonly keys: StoredKey[];
  private readonly managed: KeySource | undefined;

  private constructor(keys: StoredKey[], managed: KeySource | undefined) {
    this.keys = keys;
    this.managed = managed;
  }

  /** True when clients must present a key. */
  get required(): boolean {
    return this.keys.length > 0 || (this.managed?.size ?? 0) > 0;
  }

  /**
   * Keys from the config's `clients`; without that section, from `UNDERSTUDY_CLIENT_KEYS` (comma-separated).
   * A client whose env reference is unset is an error: a config that silently drops a key would lock
   * its owner out, or (with no keys left) open the gateway.
   */
  static fromConfig(
    config: GatewayConfig,
    env: Record<string, string | undefined>,
    managed?: KeySource,
    budgets?: ReadonlyMap<string, readonly Budget[]>,
  ): ClientKeys {
    const stored: StoredKey[] = [];
    if (config.clients) {
      for (const client of config.clients) {
        let hex = client.sha256?.toLowerCase();
        if (client.key !== undefined) {
          const value = env[client.key];
          if (!value)
            throw new Error(`clients: '${client.name}' reads its key from ${client.key}, which is not set`);
          hex = hashClientKey(value);
        }
        const limits = client.limits ?? config.limits;
        stored.push({
          hash: Buffer.from(hex!, 'hex'),
          identity: {
            name: client.name,
            keyId: hex!.slice(0, 12),
            limits,
            routes: client.routes ? new Set(client.routes) : undefined,
            budgets: budgets?.get(client.name),
          },
        });
      }
    } else {
      for (const key of (env.UNDERSTUDY_CLIENT_KEYS ?? '').split(',')) {
        const trimmed = key.trim();
        if (trimmed === '') continue;
        const hex = hashClientKey(trimmed);
        stored.push({
          hash: Buffer.from(hex, 'hex'),
          identity: {
            name: `key-${hex.slice(0, 6)}`,
            keyId: hex.slice(0, 12),
            limits: config.limits,
            routes: undefined,
          },
        });
      }
    }
    return new ClientKeys(stored, managed);
  }

  /** The caller's identity; undefined when no keys are configured; a 401 when the key is missing or wrong. */
  authenticate(headers: IncomingHttpHeaders, queryKey?: string): ClientIdentity | undefined {
    if (!this.required) return undefined;
    const presented = presentedKey(headers) ?? queryKey;
    if (presented === undefined) {
      throw new GatewayError(
        401,
        'unauthorized',
        'Missing API key: send it as `Authorization: Bearer <key>`, `x-api-key: <key>` or `x-goog-api-key: <key>`.',
      );
    }
    const hash = createHash('sha256').update(presented).digest();
    let found: ClientIdentity | undefined;
    // Every stored hash is compared, match or not, so the time taken does not depend on which one matched.
    for (const key of this.keys) {
      if (timingSafeEqual(key.hash, hash) && found === undefined) found = key.identity;
    }
    if (!found && this.managed) found = this.managed.identityOf(hash.toString('hex'));
    if (!found) throw new GatewayError(401, 'unauthorized', 'Invalid API key.');
    return found;
  }
}

function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined && /^bearer\s+/i.test(authorization)) {
    const key = authorization.replace(/^bearer\s+/i, '').trim();
    if (key !== '') return key;
  }
  // Anthropic's SDKs send `x-api-key`, Google's `x-goog-api-key`.
  for (const name of ['x-api-key', 'x-goog-api-key'] as const) {
    const apiKey = headers[name];
    if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
  }
  return undefined;
}
