/**
 * Facts the observers (metrics, status page, response headers) read the same way from a request's
 * attempts, so they never disagree on what a fallback is.
 */
import type { Attempt } from '../../core/messages.ts';

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
 * Which upstream an attempt went to: its breaker key. Not its `provider:model` id, which for a served
 * attempt is the name the answer gave (`gpt-4o-2024-08-06` for a call to `gpt-4o`), so a retry that
 * succeeded would look like a move to another model. Attempts made outside a FallbackModel carry no
 * key; their id stands in. A pooled key's attempt is its deployment's: moving to the next key is not a
 * move to another upstream.
 *
 * @example
 * attemptUpstream({ breakerKey: 'openai:gpt-4o@https://api.openai.com/v1', ... }); // the key
 */
export function attemptUpstream(attempt: Attempt): string {
  const key = attempt.breakerKey ?? attemptModelId(attempt);
  const fingerprint = attempt.keyFingerprint;
  // The keys of one pool are one upstream (their breaker keys differ by `#fingerprint`): the next key is no fallback.
  return fingerprint !== undefined && key.endsWith(`#${fingerprint}`)
    ? key.slice(0, -fingerprint.length - 1)
    : key;
}

/**
 * How many times a request moved on to another model: each attempt on a different upstream than the one
 * before it (retries of the same model are not fallbacks; skipped models count, as the route moved past them).
 *
 * @example
 * countFallbacks([{ modelName: 'a', ... }, { modelName: 'a', ... }, { modelName: 'b', ... }]); // 1
 */
export function countFallbacks(attempts: readonly Attempt[]): number {
  let fallbacks = 0;
  for (let i = 1; i < attempts.length; i++) {
    if (attemptUpstream(attempts[i]!) !== attemptUpstream(attempts[i - 1]!)) fallbacks++;
  }
  return fallbacks;
}

/**
 * How many upstreams a request left behind: the distinct upstreams it tried, less the one it ended on.
 *
 * @example
 * modelsLeftBehind([a, a, b]); // 1
 */
export function modelsLeftBehind(attempts: readonly Attempt[]): number {
  return Math.max(0, new Set(attempts.map(attemptUpstream)).size - 1);
}
