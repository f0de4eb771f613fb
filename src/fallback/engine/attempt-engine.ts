/**
 * Runs one call across a chain of models: retries a model while the policy and the deadline allow,
 * falls back to the next on the failures `fallbackOn` accepts, skips models whose breaker is open, and
 * records every attempt. It knows nothing of requests versus streams: an `AttemptRunner` does one
 * attempt and resolves once it has content (the whole response, or a stream's first event).
 *
 * @example
 * const engine = new AttemptEngine({ retry: { maxRetries: 2 }, timeoutMs: 30_000 });
 * const outcome = await engine.run(models, settings, conditions, runner);
 */
import { ModelAPIError } from '../../errors/index.ts';
import type { Attempt, AttemptOutcome, ModelResponse } from '../../messages.ts';
import type { Model } from '../../models/model.ts';
import { type ModelSettings, mergeSettings } from '../../settings.ts';
import { breakerKeyOf } from '../breaker/breaker-key.ts';
import { CircuitBreaker, type CircuitBreakerOptions } from '../breaker/circuit-breaker.ts';
import { withCost } from '../pricing/price.ts';
import { ChainState, makeAttempt } from './chain-state.ts';
import { classifyError, type ErrorClass, retryAfterOf, statusCodeOf } from './classify.ts';
import { type AttemptDeadline, CallDeadline } from './deadline.ts';
import { runHedgedChain } from './hedged-chain.ts';
import { type PolicyAction, type ResiliencePolicy, resolvePolicy } from './policy.ts';
import {
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
  retryDelay,
  sleep,
} from './retry.ts';

export interface FallbackEvent {
  from: string;
  to: string;
  error: unknown;
}

export interface AttemptEngineOptions {
  retry?: RetryOptions;
  policy?: ResiliencePolicy;
  /** Whole-call deadline in ms when the call's settings give no `timeout`. */
  timeoutMs?: number;
  /** Streams: to the first content event. Requests: to the whole response. */
  firstTokenTimeoutMs?: number;
  /** Streams: the longest gap between two events. */
  idleTimeoutMs?: number;
  /** Breaker options, a shared CircuitBreaker, or false for none. Default: a breaker of its own. */
  breaker?: CircuitBreakerOptions | CircuitBreaker | false;
  /** Epoch ms; injectable for tests. */
  clock?: () => number;
  /**
   * Opt-in hedging: when an attempt has no first content (a stream's first event, a request's response)
   * after this many ms, the next eligible model starts in parallel; the first with content wins and the
   * other is cancelled (outcome `'cancelled'`, not held against its breaker). Off by default.
   */
  hedgeAfterMs?: number;
  onAttempt?: (attempt: Attempt) => void;
  onFallback?: (event: FallbackEvent) => void;
}

/** What the engine asks of `fallbackOn`. */
export interface ChainConditions {
  acceptsError(error: unknown): Promise<boolean>;
  rejectsResponse(response: ModelResponse): Promise<boolean>;
  readonly hasResponseHandlers: boolean;
  /** Kinds the user named: they fall back even where the policy says fail. */
  readonly kinds: ReadonlySet<string>;
}

/** Does one attempt of one model. */
export interface AttemptRunner<T> {
  start(model: Model, settings: ModelSettings, deadline: AttemptDeadline): Promise<T>;
  /** The complete response of a result, to check and price; undefined for a stream still open. */
  response(result: T): ModelResponse | undefined;
  /** Gives up a result that will not be used (a rejected response, a lost race). */
  release(result: T, reason: unknown): void;
}

/** One attempt under way: its deadline (and signal), its settings, when it started. */
export interface BegunAttempt {
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

export class AttemptEngine {
  readonly breaker: CircuitBreaker | undefined;
  private readonly options: AttemptEngineOptions;
  private readonly retry: ResolvedRetryOptions;
  private readonly policy: Readonly<Record<string, PolicyAction>>;
  private readonly clock: () => number;

  constructor(options: AttemptEngineOptions = {}) {
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
   * Tries `models` from `startIndex` in order. Resolves with the served attempt; rejects with the
   * caller's abort reason, an error no condition accepts (unchanged), or a FallbackExceptionGroup-ready
   * list via `failAll` when every model failed.
   */
  async run<T>(
    models: readonly Model[],
    settings: ModelSettings,
    conditions: ChainConditions,
    runner: AttemptRunner<T>,
    failAll: (errors: unknown[], rejected: number) => Error,
    startIndex = 0,
  ): Promise<ChainOutcome<T>> {
    const chain = new ChainState(new CallDeadline(settings.timeout ?? this.options.timeoutMs, this.clock));
    const skipped: number[] = [];
    if (this.options.hedgeAfterMs !== undefined) {
      const served = await runHedgedChain(this, models, settings, conditions, runner, chain, {
        startIndex,
        skipped,
        hedgeAfterMs: this.options.hedgeAfterMs,
        clock: this.clock,
      });
      if (served) return served;
    } else {
      for (let index = startIndex; index < models.length; index++) {
        settings.signal?.throwIfAborted();
        if (chain.deadline.expired) break;
        const eligible = await this.nextEligible(models, index, chain, skipped);
        if (eligible === undefined) break;
        index = eligible;
        const step = await this.tryModel(models, index, settings, conditions, runner, chain);
        if (step.kind === 'served') return step.outcome;
        if (step.kind === 'stop') break;
      }
    }
    // Every model's breaker was open: rather than fail without a try, try the one that failed longest ago.
    if (chain.tried === 0 && skipped.length > 0 && !chain.deadline.expired && this.breaker) {
      let chosen = skipped[0]!;
      let oldest = Number.POSITIVE_INFINITY;
      for (const index of skipped) {
        const at = await this.breaker.lastFailureAt(breakerKeyOf(models[index]!));
        if (at < oldest) [chosen, oldest] = [index, at];
      }
      const step = await this.tryModel(models, chosen, settings, conditions, runner, chain);
      if (step.kind === 'served') return step.outcome;
    }
    if (chain.errors.length === 0 && chain.rejected === 0) {
      chain.errors.push(
        new ModelAPIError('fallback', `the call's deadline passed before any attempt`, { kind: 'timeout' }),
      );
    }
    throw failAll(chain.errors, chain.rejected);
  }

  private async tryModel<T>(
    models: readonly Model[],
    index: number,
    settings: ModelSettings,
    conditions: ChainConditions,
    runner: AttemptRunner<T>,
    chain: ChainState,
  ): Promise<Step<T>> {
    const model = models[index]!;
    for (let retries = 0; ; retries++) {
      const begun = this.begin(model, settings, chain);
      if (!begun) return { kind: 'stop' };
      let result: T;
      try {
        result = await runner.start(model, begun.settings, begun.deadline);
      } catch (error) {
        const verdict = await this.failed(model, begun, error, retries, settings.signal, chain, conditions);
        if (verdict.action === 'retry') {
          await sleep(verdict.waitMs, settings.signal);
          continue;
        }
        return { kind: chain.deadline.expired ? 'stop' : 'next' };
      }
      return this.succeeded(model, index, begun, result, chain, conditions, runner);
    }
  }

  /**
   * Sets up one attempt of `model`: its deadline, its settings, its start time. Undefined when the call's
   * deadline has passed. (Internal: shared with the hedged chain.)
   */
  begin(model: Model, settings: ModelSettings, chain: ChainState): BegunAttempt | undefined {
    const remaining = chain.deadline.remainingMs();
    if (remaining <= 0) return undefined;
    if (chain.pendingFallback) {
      this.options.onFallback?.({ ...chain.pendingFallback, to: model.modelName });
      chain.pendingFallback = undefined;
    }
    const deadline = chain.deadline.startAttempt(model.modelName, settings.signal, {
      firstTokenMs: this.options.firstTokenTimeoutMs,
      idleMs: this.options.idleTimeoutMs,
    });
    const overrides: ModelSettings = { signal: deadline.signal };
    if (Number.isFinite(remaining)) overrides.timeout = remaining;
    chain.tried++;
    return {
      deadline,
      settings: mergeSettings(model.settings, settings, overrides),
      startedAt: this.clock(),
    };
  }

  /**
   * Records a failed attempt and says what comes next: `retry` (after `waitMs`) or `fallback`. Throws the
   * caller's abort reason, or the error itself when no condition accepts it or the policy says fail.
   * (Internal: shared with the hedged chain.)
   */
  async failed(
    model: Model,
    begun: BegunAttempt,
    error: unknown,
    retries: number,
    caller: AbortSignal | undefined,
    chain: ChainState,
    conditions: ChainConditions,
  ): Promise<{ action: 'retry' | 'fallback'; waitMs: number }> {
    begun.deadline.dispose();
    if (caller?.aborted) {
      this.record(chain, model, 'cancelled', begun.startedAt, {});
      throw caller.reason;
    }
    const key = breakerKeyOf(model);
    const kind = classifyError(error);
    this.record(chain, model, 'error', begun.startedAt, { errorKind: kind, statusCode: statusCodeOf(error) });
    if (!(await conditions.acceptsError(error))) {
      await this.breaker?.onFailure(key, asKind(kind));
      throw error;
    }
    chain.errors.push(error);
    const decision = this.decide(kind, error, retries, chain, conditions);
    await this.breaker?.onFailure(key, asKind(kind), decision.openForMs);
    if (decision.action === 'fail') throw error;
    if (decision.action === 'retry') return { action: 'retry', waitMs: decision.waitMs };
    chain.pendingFallback = { from: model.modelName, error };
    return { action: 'fallback', waitMs: 0 };
  }

  /**
   * An attempt produced content: serve it, or — when a response handler rejects it — record the rejection
   * and move on. (Internal: shared with the hedged chain.)
   */
  async succeeded<T>(
    model: Model,
    index: number,
    begun: BegunAttempt,
    result: T,
    chain: ChainState,
    conditions: ChainConditions,
    runner: AttemptRunner<T>,
  ): Promise<Step<T>> {
    const { deadline, startedAt } = begun;
    const key = breakerKeyOf(model);
    const response = runner.response(result);
    if (response && conditions.hasResponseHandlers && (await conditions.rejectsResponse(response))) {
      deadline.dispose();
      runner.release(result, 'rejected by a fallbackOn response handler');
      const usage = withCost(response.providerName, response.modelName, response.usage);
      const attempt = this.record(chain, model, 'rejected', startedAt, { usage, cost: usage.cost });
      chain.rejected++;
      if (attempt.cost !== undefined) chain.rejectedCost = (chain.rejectedCost ?? 0) + attempt.cost;
      // The model answered: it is healthy, even if the answer was not wanted.
      await this.breaker?.onSuccess(key);
      chain.pendingFallback = { from: model.modelName, error: 'response rejected' };
      return { kind: chain.deadline.expired ? 'stop' : 'next' };
    }
    if (response) deadline.dispose();
    await this.breaker?.onSuccess(key);
    const attempt = makeAttempt(model, 'ok', startedAt, this.clock(), {});
    if (response) {
      attempt.usage = withCost(response.providerName, response.modelName, response.usage);
      attempt.cost = attempt.usage.cost;
      attempt.modelName = response.modelName;
      attempt.providerName = response.providerName;
    }
    chain.attempts.push(attempt);
    // A stream's attempt is reported when it ends, with its usage.
    if (response) this.options.onAttempt?.(attempt);
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

  /**
   * The first model from `from` on whose breaker lets a call through; open ones are recorded as skipped.
   * (Internal: shared with the hedged chain.)
   */
  async nextEligible(
    models: readonly Model[],
    from: number,
    chain: ChainState,
    skipped: number[],
  ): Promise<number | undefined> {
    for (let index = from; index < models.length; index++) {
      const model = models[index]!;
      if (this.breaker && (await this.breaker.admit(breakerKeyOf(model))) === 'skip') {
        skipped.push(index);
        this.record(chain, model, 'skipped', this.clock(), {});
        continue;
      }
      return index;
    }
    return undefined;
  }

  private decide(
    kind: ErrorClass,
    error: unknown,
    retries: number,
    chain: ChainState,
    conditions: ChainConditions,
  ): { action: PolicyAction; waitMs: number; openForMs?: number } {
    let action = this.policy[kind === 'aborted' ? 'unknown' : kind] ?? 'fallback';
    if (action === 'fail' && conditions.kinds.has(kind)) action = 'fallback';
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

  /** Appends an attempt to the trace and reports it. (Internal: shared with the hedged chain.) */
  record(
    chain: ChainState,
    model: Model,
    outcome: AttemptOutcome,
    startedAt: number,
    extra: Partial<Attempt>,
  ): Attempt {
    const attempt = makeAttempt(model, outcome, startedAt, this.clock(), extra);
    chain.attempts.push(attempt);
    this.options.onAttempt?.(attempt);
    return attempt;
  }

  /** A failed attempt's hedge partner carries on: report it as the fallback. (Internal: hedged chain.) */
  handOver(from: Model, to: Model, error: unknown, chain: ChainState): void {
    chain.pendingFallback = undefined;
    this.options.onFallback?.({ from: from.modelName, to: to.modelName, error });
  }

  /** Reports an attempt finished outside the engine (a stream's end or failure after commit). */
  report(attempt: Attempt): void {
    this.options.onAttempt?.(attempt);
  }
}

function asKind(kind: ErrorClass) {
  return kind === 'aborted' ? 'unknown' : kind;
}
