/**
 * Turns whatever a request's handling threw into a GatewayError: the one place that decides statuses.
 * When every attempt failed, the status says what kind of failure it was for the client's retry logic:
 * 429 if every attempt was rate limited, 503 if the models were overloaded, unavailable or skipped by an
 * open breaker, 400 if the upstreams all called the request itself bad, 502 otherwise.
 *
 * @example
 * toGatewayError(new FallbackExceptionGroup([rateLimit429, rateLimit429])).status // 429
 */
import { ModelAPIError, UserError } from '../../core/errors/index.ts';
import type { Attempt } from '../../core/messages.ts';
import { type AttemptSummary, GatewayError } from './gateway-error.ts';
import { scrubSecrets } from './scrub.ts';

const UNAVAILABLE = new Set(['overloaded', 'breaker_open', 'skipped', 'network', 'timeout']);
// A prompt the upstreams refused (too long, or flagged by their content policy) is answered 400, as the
// providers themselves answer it: retrying it unchanged elsewhere will not help.
const REQUEST_AT_FAULT = new Set(['bad_request', 'context_length', 'content_filter']);

/**
 * @param modelIds the chain's `provider:model` ids, to name each failed attempt the way the client can
 *   ask for it (errors carry only the bare model name).
 */
export function toGatewayError(error: unknown, modelIds: readonly string[] = []): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof UserError)
    return new GatewayError(400, 'invalid_request', scrubSecrets(error.message));
  const failures = failuresOf(error, modelIds);
  if (failures) return allAttemptsFailed(failures.summaries, failures.lastMessage, failures.retryAfterMs);
  return new GatewayError(500, 'internal', 'The gateway failed to handle this request.');
}

interface Failures {
  summaries: AttemptSummary[];
  lastMessage: string;
  retryAfterMs: number | undefined;
}

/** The attempt summaries of an attempt-engine failure (a group of errors, or one model's error). */
function failuresOf(error: unknown, modelIds: readonly string[]): Failures | undefined {
  const attempts = (error as { attempts?: unknown } | null)?.attempts;
  const errors: unknown[] =
    error instanceof AggregateError ? error.errors : error instanceof ModelAPIError ? [error] : [];
  if (errors.length === 0 && !Array.isArray(attempts)) return undefined;
  let summaries: AttemptSummary[];
  if (Array.isArray(attempts) && attempts.length > 0) {
    summaries = (attempts as Attempt[])
      .filter((a) => a.outcome !== 'ok')
      .map((a) => summary(`${a.providerName}:${a.modelName}`, a.errorKind ?? a.outcome, a.statusCode));
  } else {
    summaries = errors.map((e) => {
      const name = e instanceof ModelAPIError ? e.modelName : 'unknown';
      const model = modelIds.find((id) => id.slice(id.indexOf(':') + 1) === name) ?? name;
      const kind = (e as { kind?: unknown }).kind;
      const status = (e as { statusCode?: unknown }).statusCode;
      return summary(
        model,
        typeof kind === 'string' ? kind : 'unknown',
        typeof status === 'number' ? status : undefined,
      );
    });
  }
  const last = errors[errors.length - 1];
  let retryAfterMs: number | undefined;
  for (const e of errors) {
    const wait = (e as { retryAfterMs?: unknown }).retryAfterMs;
    if (typeof wait === 'number') retryAfterMs = Math.min(retryAfterMs ?? wait, wait);
  }
  return { summaries, lastMessage: last instanceof Error ? last.message : '', retryAfterMs };
}

function summary(model: string, kind: string, status: number | undefined): AttemptSummary {
  return status === undefined ? { model, kind } : { model, kind, status };
}

function allAttemptsFailed(
  summaries: AttemptSummary[],
  lastMessage: string,
  retryAfterMs: number | undefined,
): GatewayError {
  const kinds = summaries.map((s) => s.kind);
  const trace = summaries.map((s) => `${s.model} ${s.kind}${s.status ? ` (${s.status})` : ''}`).join('; ');
  const count = summaries.length;
  const detail = lastMessage ? ` Last error: ${scrubSecrets(lastMessage).slice(0, 500)}` : '';
  const message = `All ${count} attempt${count === 1 ? '' : 's'} failed: ${trace}.${detail}`;
  const options = { attempts: summaries };
  if (count > 0 && kinds.every((k) => k === 'rate_limit')) {
    const retryAfterSeconds =
      retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(retryAfterMs / 1000));
    return new GatewayError(429, 'upstream_rate_limited', message, { ...options, retryAfterSeconds });
  }
  if (count > 0 && kinds.every((k) => k === 'rate_limit' || UNAVAILABLE.has(k))) {
    return new GatewayError(503, 'upstream_unavailable', message, options);
  }
  if (count > 0 && kinds.every((k) => REQUEST_AT_FAULT.has(k))) {
    return new GatewayError(400, 'invalid_request', message, options);
  }
  return new GatewayError(502, 'upstream_failed', message, options);
}
