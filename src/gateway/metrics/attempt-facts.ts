/**
 * Facts the observers (metrics, status page) read the same way from a request's attempts, so the two
 * never disagree on what a fallback is.
 */
import type { Attempt } from '../../messages.ts';

/**
 * `provider:model` of an attempt, the form routes and `servedModel` use.
 *
 * @example
 * attemptModelId({ providerName: 'openai', modelName: 'gpt-4o', ... }); // 'openai:gpt-4o'
 */
export function attemptModelId(attempt: Attempt): string {
  const prefix = `${attempt.providerName}:`;
  return attempt.modelName.startsWith(prefix) || attempt.providerName === ''
    ? attempt.modelName
    : prefix + attempt.modelName;
}

/**
 * How many times a request moved on to another model: each attempt on a different model than the one
 * before it (retries of the same model are not fallbacks; skipped models count, as the route moved past them).
 *
 * @example
 * countFallbacks([{ modelName: 'a', ... }, { modelName: 'a', ... }, { modelName: 'b', ... }]); // 1
 */
export function countFallbacks(attempts: readonly Attempt[]): number {
  let fallbacks = 0;
  for (let i = 1; i < attempts.length; i++) {
    const previous = attempts[i - 1] as Attempt;
    const current = attempts[i] as Attempt;
    if (current.modelName !== previous.modelName || current.providerName !== previous.providerName)
      fallbacks++;
  }
  return fallbacks;
}
