/**
 * Why a call made no attempt at all: every key of a pool (and nothing else) was skipped because each is
 * resting for the Retry-After its provider gave, or after a quota error. Calling one anyway, as the
 * engine does when every breaker is open, would spend a request the provider said not to send; this
 * error says so instead, as a rate limit with the shortest rest left as its Retry-After (the gateway
 * answers it with a 429 and that Retry-After).
 *
 * @example
 * new KeysResting('openai:gpt-4o', 12_000).message; // 'Every key of openai:gpt-4o is resting … in 12 s …'
 */
import { ModelAPIError } from '../../core/errors/index.ts';

export class KeysResting extends ModelAPIError {
  override name = 'KeysResting';
  readonly retryAfterMs: number;

  constructor(deployment: string, retryAfterMs: number) {
    super(
      deployment,
      `Every key of ${deployment} is resting after a rate limit or quota error; try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s, or add keys or a fallback model to the route.`,
      { kind: 'rate_limit' },
    );
    this.retryAfterMs = retryAfterMs;
  }
}
