/**
 * How a call's attempts are laid out in time. The sequential chain runs one attempt after another; the
 * hedged chain starts a partner when an attempt is slow. Both take one attempt at a time through the
 * same `AttemptLifecycle`, so retries, breakers, attribution and cost do not depend on the schedule.
 *
 * @example
 * const scheduler: ChainScheduler = options.hedgeAfterMs === undefined ? sequentialChain : hedgedChain(options);
 * const served = await scheduler.run(call);
 */
import type { ModelSettings } from '../../core/settings.ts';
import type { AttemptLifecycle, ChainOutcome } from './attempt-lifecycle.ts';
import type { AttemptRunner } from './attempt-runner.ts';
import type { ChainState } from './chain-state.ts';

/** One call as a scheduler sees it. */
export interface ChainCall<T> {
  lifecycle: AttemptLifecycle;
  settings: ModelSettings;
  runner: AttemptRunner<T>;
  chain: ChainState;
  /** The position (in `order`, else the engine's order) of the first model to try. */
  startIndex: number;
  /** This call's order of the engine's models by index, when a balanced group chose it; may leave some out. */
  order: readonly number[] | undefined;
  /** Indices found with an open breaker, for the engine's all-open last resort. */
  skipped: number[];
}

export interface ChainScheduler {
  /**
   * Resolves with the served attempt, or undefined when the models (or the deadline) ran out; rejects
   * with the caller's abort reason or an error no condition accepts, after giving up any attempt still
   * under way.
   */
  run<T>(call: ChainCall<T>): Promise<ChainOutcome<T> | undefined>;
}
