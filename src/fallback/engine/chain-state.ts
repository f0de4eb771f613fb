/**
 * The state of one call's attempt chain, shared by the plain and the hedged chain: the call's deadline,
 * the attempt trace, the errors in the order they happened, and the fallback waiting to be reported.
 *
 * @example
 * const chain = new ChainState(new CallDeadline(30_000));
 * chain.attempts.push(makeAttempt(model, 'skipped', Date.now(), Date.now(), {}));
 */
import type { Attempt, AttemptOutcome } from '../../messages.ts';
import type { Model } from '../../models/model.ts';
import { breakerKeyOf } from '../breaker/breaker-key.ts';
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

  constructor(deadline: CallDeadline) {
    this.deadline = deadline;
  }
}

/**
 * One attempt's record; `extra` fields that are undefined are left out, so traces compare exactly.
 *
 * @example
 * makeAttempt(model, 'error', startedAt, Date.now(), { errorKind: 'server', statusCode: 500 });
 */
export function makeAttempt(
  model: Model,
  outcome: AttemptOutcome,
  startedAt: number,
  now: number,
  extra: Partial<Attempt>,
): Attempt {
  const attempt: Attempt = {
    modelName: model.modelName,
    providerName: model.system,
    breakerKey: breakerKeyOf(model),
    outcome,
    startedAt,
    durationMs: now - startedAt,
  };
  for (const [name, value] of Object.entries(extra)) {
    if (value !== undefined) (attempt as unknown as Record<string, unknown>)[name] = value;
  }
  return attempt;
}
