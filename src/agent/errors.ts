/**
 * Errors that belong to an Agent run rather than to a model call.
 *
 * @example
 * const lookup = tool({
 *   name: 'lookup', parameters: z.object({ id: z.string() }),
 *   execute: ({ id }) => { if (!db.has(id)) throw new ModelRetry(`No record ${id}; list ids first.`); return db.get(id); },
 * });
 */
import type { ErrorKind } from '../core/errors/index.ts';

/**
 * Thrown by a tool (or raised for an invalid output) to send the model a retry prompt with this message
 * instead of failing the run. Past the tool's `retries`, the run fails with `UnexpectedModelBehavior`.
 *
 * @example
 * throw new ModelRetry('The date must be in the future.');
 */
export class ModelRetry extends Error {
  override name = 'ModelRetry';
}

/** Which limit of `UsageLimits` a run went past. */
export type UsageLimitName =
  | 'requestLimit'
  | 'toolCallsLimit'
  | 'inputTokensLimit'
  | 'outputTokensLimit'
  | 'totalTokensLimit'
  | 'costLimit';

/**
 * A run reached one of its `UsageLimits`. The kind is `bad_request`: the caller set the limit, so neither
 * a retry nor a fallback model can help.
 *
 * @example
 * try { await agent.run('...', { usageLimits: { requestLimit: 3 } }); }
 * catch (error) { if (error instanceof UsageLimitExceeded) console.log(error.limit, error.value); }
 */
export class UsageLimitExceeded extends Error {
  override name = 'UsageLimitExceeded';
  readonly kind: ErrorKind = 'bad_request';
  readonly limit: UsageLimitName;
  /** The value the limit was checked against (the count the run would reach, or has reached). */
  readonly value: number;

  constructor(limit: UsageLimitName, value: number, message: string) {
    super(message);
    this.limit = limit;
    this.value = value;
  }
}
