/**
 * What to do about a failure of each kind: retry the same model, fall back to the next, or fail the
 * call. Users override kinds one by one; the rest keep these defaults.
 *
 * @example
 * const policy = resolvePolicy({ bad_request: 'fallback', server: 'fallback' });
 * policy.server; // 'fallback' (no retries of this model on a 500)
 */
import type { ErrorKind } from '../../core/errors/index.ts';
import { UserError } from '../../core/errors/index.ts';

export type PolicyAction = 'retry' | 'fallback' | 'fail';

/** Per-kind overrides; `unknown` covers errors without a kind that `fallbackOn` accepted. */
export type ResiliencePolicy = Partial<Record<ErrorKind | 'unknown', PolicyAction>>;

/**
 * Transient failures are retried (while retries and the deadline last); failures that another model may
 * not have (the prompt is too long for this one, its filter, its key, its name) fall back at once; a
 * malformed request would fail everywhere, so it fails.
 */
export const DEFAULT_POLICY: Readonly<Record<ErrorKind | 'unknown', PolicyAction>> = {
  rate_limit: 'retry',
  overloaded: 'retry',
  server: 'retry',
  network: 'retry',
  timeout: 'retry',
  stream_error: 'retry',
  context_length: 'fallback',
  content_filter: 'fallback',
  auth: 'fallback',
  not_found: 'fallback',
  bad_request: 'fail',
  unknown: 'fallback',
};

const ACTIONS: readonly string[] = ['retry', 'fallback', 'fail'];

/** The default policy with the user's overrides applied; rejects unknown kinds or actions. */
export function resolvePolicy(
  overrides: ResiliencePolicy = {},
): Readonly<Record<ErrorKind | 'unknown', PolicyAction>> {
  for (const [kind, action] of Object.entries(overrides)) {
    if (!(kind in DEFAULT_POLICY)) {
      throw new UserError(
        `Unknown error kind '${kind}' in policy; valid kinds: ${Object.keys(DEFAULT_POLICY).join(', ')}.`,
      );
    }
    if (!ACTIONS.includes(action as string)) {
      throw new UserError(
        `Policy action for '${kind}' must be 'retry', 'fallback' or 'fail', not '${action}'.`,
      );
    }
  }
  return { ...DEFAULT_POLICY, ...overrides };
}
