/**
 * The state of one call's attempt chain, shared by the sequential and the hedged chain: the call's
 * deadline, the attempt trace, the errors in the order they happened, and the fallback waiting to be
 * reported.
 *
 * @example
 * const chain = new ChainState(new CallDeadline(30_000));
 * if (chain.deadline.expired) return undefined;
 */
import type { Attempt } from '../../core/messages.ts';
import type { CallDeadline } from './deadline.ts';

/** The mutable state of one call's chain. */
export class ChainState {
  readonly deadline: CallDeadline;
  readonly attempts: Attempt[] = [];
  readonly errors: unknown[] = [];
  rejected = 0;
  rejectedCost: number | undefined;
  tried = 0;
  pendingFallback: { from: string; error: unknown } | undefined;
  /** This call's order of the engine's models, when balanced groups chose one. */
  order: readonly number[] | undefined;
  /** Key pools the call left for a failure that was the deployment's, not a key's: their other keys are passed over. */
  leftPools: Set<object> | undefined;

  constructor(deadline: CallDeadline) {
    this.deadline = deadline;
  }
}
