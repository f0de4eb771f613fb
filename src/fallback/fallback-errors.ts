/**
 * What a FallbackModel throws when no model produced an accepted answer.
 *
 * @example
 * try { await fallback.request(messages); }
 * catch (error) { if (error instanceof FallbackExceptionGroup) for (const e of error.errors) console.log(e); }
 */

/**
 * Every model failed (or was rejected). `errors` holds each failure in the order tried, then one
 * `ResponseRejected` when response handlers rejected any answers.
 */
export class FallbackExceptionGroup extends AggregateError {
  override name = 'FallbackExceptionGroup';

  constructor(errors: unknown[]) {
    super(errors, 'All models from FallbackModel failed');
  }
}

/** Stands in the group for the responses that `onResponse` handlers rejected. */
export class ResponseRejected extends Error {
  override name = 'ResponseRejected';
  readonly rejectedCount: number;

  constructor(rejectedCount: number) {
    super(`${rejectedCount} model response(s) rejected by fallbackOn handler`);
    this.rejectedCount = rejectedCount;
  }
}
