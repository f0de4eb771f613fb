/**
 * One deployment reached with several API keys. Each key is its own model (built by the registry with a
 * provider holding that one key, whose `keyFingerprint` names it), with its own breaker; a FallbackModel
 * lays the keys out in its chain like a group's deployments (balanced-step.ts). Calls start at the next
 * key in turn, so the keys share the load.
 *
 * What moves a call to the next key of the same deployment, before the route falls back to another model:
 * - a rate limit (429): the key cools for the provider's Retry-After (else `keyCooldownMs`) — its breaker
 *   stays open that long, so no call uses it before the provider said it may;
 * - a quota or billing refusal (a 402, a 429 `insufficient_quota`): the key cools for Retry-After, else
 *   `quotaCooldownMs`;
 * - a refused key (401, 403, Gemini's 400 API_KEY_INVALID): the key is taken out for the life of the pool and reported through
 *   `onKeyRemoved` by its fingerprint, never the key. (When every key is out, they are all tried again,
 *   so the call fails with the provider's own auth error rather than with nothing.)
 * Any other failure (a 5xx, a timeout) is the deployment's, not the key's: the route's policy applies to
 * it, and when the call moves on it leaves the pool's other keys untried.
 *
 * @example
 * const pool = new KeyPool([openaiWithKeyA, openaiWithKeyB], { onKeyRemoved: (k) => log(k.keyFingerprint) });
 * const model = new FallbackModel(pool, claude); // key A or B (in turn), the other on a 429, then Claude
 */
import { UserError } from '../../core/errors/index.ts';
import type { Model } from '../../core/model.ts';
import { type ErrorClass, retryAfterOf, statusCodeOf } from '../engine/classify.ts';
import type { LeafRole, LeafVerdict } from '../engine/leaf-role.ts';
import type { FallbackModelOptions } from '../fallback-model.ts';
import type { BalancedPlan } from './balanced-step.ts';
import { BalancedStepModel } from './balanced-step-model.ts';
import { DeploymentStats } from './deployment-stats.ts';
import { TrackedModel } from './tracked-model.ts';

/** A key taken out of its pool for failing auth. */
export interface KeyRemoved {
  /** The pool's deployment, `provider:model`. */
  deployment: string;
  keyFingerprint: string;
  statusCode: number | undefined;
}

export interface KeyPoolOptions {
  /** How long a key rate-limited without a Retry-After rests. Default 1 s. */
  keyCooldownMs?: number;
  /** How long a key out of quota without a Retry-After rests. Default 60 s. */
  quotaCooldownMs?: number;
  onKeyRemoved?: (removed: KeyRemoved) => void;
  /** Epoch ms; injectable for tests. */
  clock?: () => number;
  /** When the pool is called on its own: the options of the FallbackModel it runs in. */
  fallback?: FallbackModelOptions;
}

export class KeyPool extends BalancedStepModel {
  readonly plan: BalancedPlan;
  /** `provider:model` of the deployment the keys reach. */
  readonly deployment: string;
  private readonly keyModels: readonly Model[];
  private readonly removed = new Set<number>();
  /** Epoch ms until which each key rests after a rate limit or quota error (0: not resting). */
  private readonly restingUntil: number[];
  private readonly clock: () => number;
  private readonly options: KeyPoolOptions;
  private cursor = 0;

  /** `keys`: the deployment once per key, each with a provider that holds one key and its fingerprint. */
  constructor(keys: readonly Model[], options: KeyPoolOptions = {}) {
    super(options.fallback);
    if (keys.length === 0) throw new UserError('A KeyPool needs at least one key.');
    const first = keys[0]!;
    for (const key of keys) {
      if (key.provider?.keyFingerprint === undefined) {
        throw new UserError(
          `Every model of a KeyPool must come from a provider holding one key (with its keyFingerprint); '${key.modelName}' has none. Build them with inferModel(id, { apiKeys: [...] }).`,
        );
      }
    }
    this.keyModels = keys;
    this.options = options;
    this.deployment = `${first.provider!.name}:${first.modelName}`;
    const clock = options.clock ?? Date.now;
    this.clock = clock;
    this.restingUntil = keys.map(() => 0);
    // The keys are one deployment: one measure of its load and speed.
    const stats = new DeploymentStats();
    const pool = {};
    const roles: LeafRole[] = keys.map((_, index) => ({
      deployment: this.deployment,
      pool,
      onFailure: (kind: ErrorClass, error: unknown) => this.keyFailed(index, kind, error),
      restingUntil: () => {
        const until = this.restingUntil[index]!;
        return until > this.clock() ? until : undefined;
      },
    }));
    this.plan = {
      leaves: keys.map((key) => new TrackedModel(key, stats, clock)),
      roles,
      order: () => this.order(),
      load: (now) => ({ inFlight: stats.inFlight, latency: stats.latency(now) }),
    };
  }

  get modelName(): string {
    return this.keyModels[0]!.modelName;
  }

  get system(): string {
    return this.keyModels[0]!.system;
  }

  /** Fingerprints of the keys taken out for failing auth. */
  get removedKeys(): string[] {
    return [...this.removed].map((index) => this.keyModels[index]!.provider!.keyFingerprint!);
  }

  /** The keys still in, starting at the next one in turn. */
  private order(): number[] {
    const count = this.keyModels.length;
    const start = this.cursor;
    this.cursor = (start + 1) % count;
    const order: number[] = [];
    const everyKeyOut = this.removed.size === count;
    for (let step = 0; step < count; step++) {
      const index = (start + step) % count;
      if (everyKeyOut || !this.removed.has(index)) order.push(index);
    }
    return order;
  }

  private keyFailed(index: number, kind: ErrorClass, error: unknown): LeafVerdict | undefined {
    const retryAfter = retryAfterOf(error);
    if (kind === 'rate_limit') return this.rest(index, retryAfter ?? this.options.keyCooldownMs ?? 1000);
    if (kind !== 'auth') return undefined;
    const statusCode = statusCodeOf(error);
    // A 402 or 429 of kind auth is quota or credit; anything else (401, 403, Gemini's 400 API_KEY_INVALID) a refused key.
    if (statusCode !== 402 && statusCode !== 429) {
      if (!this.removed.has(index)) {
        this.removed.add(index);
        this.options.onKeyRemoved?.({
          deployment: this.deployment,
          keyFingerprint: this.keyModels[index]!.provider!.keyFingerprint!,
          statusCode,
        });
      }
      return { action: 'fallback', nextKey: true };
    }
    // Out of quota or credit: the key may come back (a new billing period, a top-up), the others may serve.
    return this.rest(index, retryAfter ?? this.options.quotaCooldownMs ?? 60_000);
  }

  /** The key rests (its breaker stays open) for `ms`, and the call moves to the next key. */
  private rest(index: number, ms: number): LeafVerdict {
    this.restingUntil[index] = this.clock() + ms;
    return { action: 'fallback', nextKey: true, openForMs: ms };
  }
}
