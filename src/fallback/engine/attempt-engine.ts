/**
 * Runs one call across a chain of models: retries a model while the policy and the deadline allow,
 * falls back to the next on the failures `fallbackOn` accepts, skips models whose breaker is open, and
 * records every attempt. Built once with its models and conditions; each call brings its settings and a
 * runner. Three collaborators do the work: the `AttemptLifecycle` takes one attempt from begin to served
 * or failed, a `ChainScheduler` (sequential, or hedged when `hedgeAfterMs` is set) lays attempts out in
 * time, and `ChainState` holds one call's deadline and trace.
 *
 * @example
 * const engine = new AttemptEngine(models, conditions, { retry: { maxRetries: 2 }, timeoutMs: 30_000 });
 * const outcome = await engine.run(settings, runner);
 */
import { ModelAPIError } from '../../core/errors/index.ts';
import type { Attempt } from '../../core/messages.ts';
import type { Model } from '../../core/model.ts';
import type { ModelSettings } from '../../core/settings.ts';
import type { CircuitBreaker } from '../breaker/circuit-breaker.ts';
import { FallbackExceptionGroup, ResponseRejected } from '../fallback-errors.ts';
import { AttemptLifecycle, type ChainOutcome, type UsageSource } from './attempt-lifecycle.ts';
import type { AttemptRunner, ChainConditions } from './attempt-runner.ts';
import type { ChainScheduler } from './chain-scheduler.ts';
import { ChainState } from './chain-state.ts';
import { CallDeadline } from './deadline.ts';
import type { AttemptEngineOptions } from './engine-options.ts';
import { hedgedChain } from './hedged-chain.ts';
import type { LeafRole } from './leaf-role.ts';
import { sequentialChain, tryModel } from './sequential-chain.ts';

export class AttemptEngine {
  private readonly lifecycle: AttemptLifecycle;
  private readonly scheduler: ChainScheduler;
  private readonly timeoutMs: number | undefined;
  private readonly clock: () => number;

  /** `roles`: each model's place in a balanced group, by index (see leaf-role.ts); none for plain chains. */
  constructor(
    models: readonly Model[],
    conditions: ChainConditions,
    options: AttemptEngineOptions = {},
    roles: readonly (LeafRole | undefined)[] = [],
  ) {
    this.lifecycle = new AttemptLifecycle(models, conditions, options, roles);
    this.clock = options.clock ?? Date.now;
    this.timeoutMs = options.timeoutMs;
    this.scheduler =
      options.hedgeAfterMs === undefined
        ? sequentialChain
        : hedgedChain({ hedgeAfterMs: options.hedgeAfterMs, clock: this.clock });
  }

  /** The circuit breaker the engine's attempts answer to (undefined when disabled). */
  get breaker(): CircuitBreaker | undefined {
    return this.lifecycle.breaker;
  }

  /**
   * Tries the models from position `startIndex` of `order` (this call's order of model indices, chosen by
   * balanced groups; default the engine's own order). Resolves with the served attempt; rejects with the
   * caller's abort reason, an error no condition accepts (unchanged), or a `FallbackExceptionGroup` when
   * every model failed.
   */
  async run<T>(
    settings: ModelSettings,
    runner: AttemptRunner<T>,
    startIndex = 0,
    order?: readonly number[],
  ): Promise<ChainOutcome<T>> {
    const lifecycle = this.lifecycle;
    const chain = new ChainState(new CallDeadline(settings.timeout ?? this.timeoutMs, this.clock));
    chain.order = order;
    const skipped: number[] = [];
    const call = { lifecycle, settings, runner, chain, startIndex, order, skipped };
    const served = await this.scheduler.run(call);
    if (served) return served;
    // Every model's breaker was open: rather than fail without a try, try the one that failed longest ago —
    // unless they are all keys resting for the Retry-After their provider gave, which a try would ignore.
    if (chain.tried === 0 && skipped.length > 0 && !chain.deadline.expired && lifecycle.breaker) {
      const resting = lifecycle.restingKeys(skipped);
      if (resting) chain.errors.push(resting);
      else {
        const chosen = await lifecycle.longestFailed(skipped);
        const step = await tryModel(call, chosen);
        if (step.kind === 'served') return step.outcome;
      }
    }
    if (chain.errors.length === 0 && chain.rejected === 0) {
      chain.errors.push(
        new ModelAPIError('fallback', `the call's deadline passed before any attempt`, { kind: 'timeout' }),
      );
    }
    throw new FallbackExceptionGroup(
      chain.rejected > 0 ? [...chain.errors, new ResponseRejected(chain.rejected)] : chain.errors,
    );
  }

  /** A committed stream ended, broke or was cancelled: settle its attempt (names, usage, cost), report it. */
  finishStream(
    attempt: Attempt,
    source: UsageSource,
    outcome: 'ok' | 'error' | 'cancelled',
    error?: unknown,
  ) {
    this.lifecycle.finishStream(attempt, source, outcome, error);
  }

  /** A committed stream of model `index` broke: its breaker hears of it. */
  streamFailed(index: number, error: unknown): Promise<void> {
    return this.lifecycle.streamFailed(index, error);
  }
}
