/**
 * One attempt's life, the same under every schedule: `begin` (deadline, settings, the pending fallback
 * reported), then `failed` (recorded, told to the breaker, retry or fall back) or `succeeded` (checked by
 * response handlers, priced, served) — and, for a stream, `finishStream` when it ends. The sequential and
 * the hedged chain both drive attempts through this object; it is built once per engine with the models,
 * their breaker keys (read once: a model's upstream does not change under it) and the conditions.
 *
 * @example
 * const begun = lifecycle.begin(index, settings, chain);
 * try { return await lifecycle.succeeded(begun, await runner.start(...), runner); }
 * catch (error) { const verdict = await lifecycle.failed(begun, error, retries, caller); }
 */
import type { Attempt, AttemptOutcome } from '../../core/messages.ts';
import type { Model } from '../../core/model.ts';
import { type ModelSettings, mergeSettings } from '../../core/settings.ts';
import type { RequestUsage } from '../../core/usage.ts';
import { breakerKeyOf } from '../breaker/breaker-key.ts';
import { CircuitBreaker } from '../breaker/circuit-breaker.ts';
import { KeysResting } from '../group/keys-resting.ts';
import { withCost } from '../pricing/price.ts';
import type { AttemptRunner, ChainConditions } from './attempt-runner.ts';
import type { ChainState } from './chain-state.ts';
import { classifyError, type ErrorClass, retryAfterOf, statusCodeOf } from './classify.ts';
import type { AttemptDeadline } from './deadline.ts';
import type { AttemptEngineOptions } from './engine-options.ts';
import type { LeafRole } from './leaf-role.ts';
import { type PolicyAction, resolvePolicy } from './policy.ts';
import { type ResolvedRetryOptions, resolveRetryOptions, retryDelay } from './retry.ts';

/** One attempt under way: its deadline (and signal), its settings, when it started. */
export interface BegunAttempt {
  /** Which model, in the engine's order. */
  index: number;
  /** The call this attempt belongs to. */
  chain: ChainState;
  deadline: AttemptDeadline;
  settings: ModelSettings;
  startedAt: number;
}

/** A served attempt. For streams the `deadline` stays armed until the stream ends; dispose it then. */
export interface ChainOutcome<T> {
  result: T;
  model: Model;
  index: number;
  attempt: Attempt;
  attempts: Attempt[];
  deadline: AttemptDeadline;
  /** Cost of responses rejected by response handlers, to add to the served response's cost. */
  rejectedCost: number | undefined;
}

/** What one model's turn in the chain came to. */
export type Step<T> = { kind: 'served'; outcome: ChainOutcome<T> } | { kind: 'next' } | { kind: 'stop' };

/** What a failed attempt leads to when the engine goes on: the same model again after `waitMs`, or the next. */
export interface Verdict {
  action: 'retry' | 'fallback';
  waitMs: number;
}

/** Where the usage of an answer comes from: a response, or a stream read so far. */
export interface UsageSource {
  providerName: string;
  modelName: string;
  usage: RequestUsage;
}

/**
 * The usage of an answer with its cost from the price table. The one place the fallback layer prices:
 * attempts, served responses and streams all read their cost through it.
 */
export function pricedUsage(source: UsageSource): RequestUsage {
  return withCost(source.providerName, source.modelName, source.usage);
}

export class AttemptLifecycle {
  readonly models: readonly Model[];
  readonly breaker: CircuitBreaker | undefined;
  private readonly keys: readonly string[];
  /** Each model's place in a group (undefined for a plain step), in the engine's order. */
  private readonly roles: readonly (LeafRole | undefined)[];
  private readonly conditions: ChainConditions;
  private readonly options: AttemptEngineOptions;
  private readonly retry: ResolvedRetryOptions;
  private readonly policy: Readonly<Record<string, PolicyAction>>;
  private readonly clock: () => number;

  constructor(
    models: readonly Model[],
    conditions: ChainConditions,
    options: AttemptEngineOptions,
    roles: readonly (LeafRole | undefined)[] = [],
  ) {
    this.models = models;
    this.keys = models.map(breakerKeyOf);
    this.roles = roles;
    this.conditions = conditions;
    this.options = options;
    this.retry = resolveRetryOptions(options.retry);
    this.policy = resolvePolicy(options.policy);
    this.clock = options.clock ?? Date.now;
    const breaker = options.breaker;
    this.breaker =
      breaker === false
        ? undefined
        : breaker instanceof CircuitBreaker
          ? breaker
          : new CircuitBreaker({ clock: this.clock, ...breaker });
  }

  /**
   * The first position from `from` (in `order`, else the engine's own order) whose model's breaker lets a
   * call through; open ones are recorded as skipped, and the rest of a key pool the call left is passed over.
   */
  async nextEligible(
    from: number,
    chain: ChainState,
    skipped: number[],
    order?: readonly number[],
  ): Promise<number | undefined> {
    const length = order ? order.length : this.models.length;
    for (let position = from; position < length; position++) {
      const index = order ? order[position]! : position;
      const pool = this.roles[index]?.pool;
      if (pool !== undefined && chain.leftPools?.has(pool)) continue;
      if (this.breaker && (await this.breaker.admit(this.keys[index]!)) === 'skip') {
        skipped.push(index);
        this.record(chain, index, 'skipped', {});
        continue;
      }
      return position;
    }
    return undefined;
  }

  /**
   * When every model skipped is a pooled key resting for its provider's Retry-After (or a quota error),
   * the error that says so, with the shortest rest left; else undefined (the engine tries one anyway).
   */
  restingKeys(skipped: readonly number[]): KeysResting | undefined {
    let until = Number.POSITIVE_INFINITY;
    for (const index of skipped) {
      const resting = this.roles[index]?.restingUntil?.();
      if (resting === undefined) return undefined;
      until = Math.min(until, resting);
    }
    const first = skipped[0]!;
    const deployment = this.roles[first]?.deployment ?? this.models[first]!.modelName;
    return new KeysResting(deployment, Math.max(0, until - this.clock()));
  }

  /** Whether the call's order holds, after model `index`, another deployment of its group. */
  private othersLeft(index: number, chain: ChainState): boolean {
    const role = this.roles[index];
    if (role?.group === undefined) return false;
    const order = chain.order;
    const length = order ? order.length : this.models.length;
    for (let position = (order ? order.indexOf(index) : index) + 1; position < length; position++) {
      const other = this.roles[order ? order[position]! : position];
      if (other?.group === role.group && other.deployment !== role.deployment) return true;
    }
    return false;
  }

  /** Of the models skipped for an open breaker, the one whose last failure is oldest. */
  async longestFailed(skipped: readonly number[]): Promise<number> {
    let chosen = skipped[0]!;
    let oldest = Number.POSITIVE_INFINITY;
    for (const index of skipped) {
      const at = (await this.breaker?.lastFailureAt(this.keys[index]!)) ?? 0;
      if (at < oldest) [chosen, oldest] = [index, at];
    }
    return chosen;
  }

  /**
   * Sets up one attempt of model `index`: its deadline, its settings, its start time. Undefined when the
   * call's deadline has passed.
   */
  begin(index: number, settings: ModelSettings, chain: ChainState): BegunAttempt | undefined {
    const remaining = chain.deadline.remainingMs();
    if (remaining <= 0) return undefined;
    const model = this.models[index]!;
    if (chain.pendingFallback) {
      this.options.onFallback?.({ ...chain.pendingFallback, to: model.modelName });
      chain.pendingFallback = undefined;
    }
    const deadline = chain.deadline.startAttempt(model.modelName, settings.signal, {
      firstTokenMs: this.options.firstTokenTimeoutMs,
      idleMs: this.options.idleTimeoutMs,
      abortable: this.options.hedgeAfterMs !== undefined,
    });
    const overrides: ModelSettings = { signal: deadline.signal };
    if (Number.isFinite(remaining)) overrides.timeout = remaining;
    chain.tried++;
    return {
      index,
      chain,
      deadline,
      settings: mergeSettings(model.settings, settings, overrides),
      startedAt: this.clock(),
    };
  }

  /**
   * Records a failed attempt and says what comes next. Throws the caller's abort reason, or the error
   * itself when no condition accepts it or the policy says fail.
   */
  async failed(
    begun: BegunAttempt,
    error: unknown,
    retries: number,
    caller: AbortSignal | undefined,
  ): Promise<Verdict> {
    const { index, chain, startedAt } = begun;
    begun.deadline.dispose();
    if (caller?.aborted) {
      this.record(chain, index, 'cancelled', { startedAt });
      throw caller.reason;
    }
    const key = this.keys[index]!;
    const kind = classifyError(error);
    this.record(chain, index, 'error', { startedAt, errorKind: kind, statusCode: statusCodeOf(error) });
    if (!(await this.conditions.acceptsError(error))) {
      await this.breaker?.onFailure(key, healthKind(kind));
      throw error;
    }
    chain.errors.push(error);
    const role = this.roles[index];
    const own = role?.onFailure?.(kind, error, this.othersLeft(index, chain));
    const decision = own
      ? { action: own.action, waitMs: 0, openForMs: own.openForMs }
      : this.decide(kind, error, retries, chain);
    if (role?.pool && decision.action === 'fallback' && !own?.nextKey) {
      chain.leftPools ??= new Set();
      chain.leftPools.add(role.pool);
    }
    await this.breaker?.onFailure(key, healthKind(kind), decision.openForMs);
    if (decision.action === 'fail') throw error;
    if (decision.action === 'retry') return { action: 'retry', waitMs: decision.waitMs };
    chain.pendingFallback = { from: this.models[index]!.modelName, error };
    return { action: 'fallback', waitMs: 0 };
  }

  /**
   * An attempt produced content: serve it, or — when a response handler rejects it — record the rejection
   * and move on.
   */
  async succeeded<T>(begun: BegunAttempt, result: T, runner: AttemptRunner<T>): Promise<Step<T>> {
    const { index, chain, deadline, startedAt } = begun;
    const model = this.models[index]!;
    const key = this.keys[index]!;
    const response = runner.response(result);
    if (
      response &&
      this.conditions.hasResponseHandlers &&
      (await this.conditions.rejectsResponse(response))
    ) {
      deadline.dispose();
      runner.release(result, 'rejected by a fallbackOn response handler');
      const usage = pricedUsage(response);
      this.record(chain, index, 'rejected', { startedAt, usage, cost: usage.cost });
      chain.rejected++;
      if (usage.cost !== undefined) chain.rejectedCost = (chain.rejectedCost ?? 0) + usage.cost;
      // The model answered: it is healthy, even if the answer was not wanted.
      await this.breaker?.onSuccess(key);
      chain.pendingFallback = { from: model.modelName, error: 'response rejected' };
      return { kind: chain.deadline.expired ? 'stop' : 'next' };
    }
    if (response) deadline.dispose();
    await this.breaker?.onSuccess(key);
    const attempt = this.newAttempt(index, 'ok', { startedAt });
    chain.attempts.push(attempt);
    // A stream's attempt is settled and reported when it ends, with its usage.
    if (response) {
      this.settle(attempt, response);
      this.options.onAttempt?.(attempt);
    }
    return {
      kind: 'served',
      outcome: {
        result,
        model,
        index,
        attempt,
        attempts: chain.attempts,
        deadline,
        rejectedCost: chain.rejectedCost,
      },
    };
  }

  /** A failed attempt's hedge partner carries on: report it as the fallback. */
  handOver(from: number, to: number, error: unknown, chain: ChainState): void {
    chain.pendingFallback = undefined;
    this.options.onFallback?.({ from: this.models[from]!.modelName, to: this.models[to]!.modelName, error });
  }

  /** A committed stream ended (`ok`), broke (`error`) or was cancelled: settle its attempt and report it. */
  finishStream(
    attempt: Attempt,
    source: UsageSource,
    outcome: 'ok' | 'error' | 'cancelled',
    error?: unknown,
  ): void {
    attempt.outcome = outcome;
    this.settle(attempt, source);
    attempt.durationMs = this.clock() - attempt.startedAt;
    if (error !== undefined) {
      const kind = (error as { kind?: unknown } | null)?.kind;
      if (typeof kind === 'string') attempt.errorKind = kind;
    }
    this.options.onAttempt?.(attempt);
  }

  /** A committed stream of model `index` broke: its breaker hears of it like any failed attempt. */
  async streamFailed(index: number, error: unknown): Promise<void> {
    await this.breaker?.onFailure(this.keys[index]!, healthKind(classifyError(error)));
  }

  /** Appends an attempt to the trace and reports it; `extra.startedAt` defaults to now. */
  record(chain: ChainState, index: number, outcome: AttemptOutcome, extra: Partial<Attempt>): Attempt {
    const attempt = this.newAttempt(index, outcome, extra);
    chain.attempts.push(attempt);
    this.options.onAttempt?.(attempt);
    return attempt;
  }

  /** The names the answer was served under, its usage and its cost. */
  private settle(attempt: Attempt, source: UsageSource): void {
    attempt.modelName = source.modelName;
    attempt.providerName = source.providerName;
    attempt.usage = pricedUsage(source);
    if (attempt.usage.cost !== undefined) attempt.cost = attempt.usage.cost;
  }

  /**
   * One attempt's record; `extra` fields that are undefined are left out, so traces compare exactly.
   * `extra.startedAt` defaults to now (an attempt that never started, such as a skipped one).
   */
  private newAttempt(index: number, outcome: AttemptOutcome, extra: Partial<Attempt>): Attempt {
    const model = this.models[index]!;
    const startedAt = extra.startedAt ?? this.clock();
    const attempt: Attempt = {
      modelName: model.modelName,
      providerName: model.system,
      breakerKey: this.keys[index]!,
      outcome,
      startedAt,
      durationMs: this.clock() - startedAt,
    };
    const role = this.roles[index];
    if (role?.group !== undefined) attempt.group = role.group;
    if (role?.deployment !== undefined) attempt.deployment = role.deployment;
    const fingerprint = model.provider?.keyFingerprint;
    if (fingerprint !== undefined) attempt.keyFingerprint = fingerprint;
    for (const [name, value] of Object.entries(extra)) {
      if (value !== undefined) (attempt as unknown as Record<string, unknown>)[name] = value;
    }
    return attempt;
  }

  private decide(
    kind: ErrorClass,
    error: unknown,
    retries: number,
    chain: ChainState,
  ): { action: PolicyAction; waitMs: number; openForMs?: number } {
    let action = this.policy[healthKind(kind)] ?? 'fallback';
    if (action === 'fail' && this.conditions.kinds.has(kind)) action = 'fallback';
    const retryAfter = retryAfterOf(error);
    const openForMs =
      retryAfter !== undefined && retryAfter > this.retry.retryAfterCapMs ? retryAfter : undefined;
    if (action !== 'retry') return { action, waitMs: 0, openForMs };
    if (retries >= this.retry.maxRetries) return { action: 'fallback', waitMs: 0, openForMs };
    const delay = retryDelay(retries, this.retry, retryAfter);
    if ('fallbackForMs' in delay) return { action: 'fallback', waitMs: 0, openForMs: delay.fallbackForMs };
    // A wait that would use up the call's deadline leaves no time for the retry itself: move on instead.
    if (delay.wait >= chain.deadline.remainingMs()) return { action: 'fallback', waitMs: 0 };
    return { action: 'retry', waitMs: delay.wait };
  }
}

/** An abort is no verdict on a model's health: the breaker files it under `unknown`. */
function healthKind(kind: ErrorClass) {
  return kind === 'aborted' ? 'unknown' : kind;
}
