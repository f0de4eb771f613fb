/**
 * Reads the one word the attempt engine decides by. Every Understudy error carries a `kind`; an abort
 * is told apart so that it is never mistaken for a provider failure.
 *
 * @example
 * classifyError(new ModelHTTPError(429, 'gpt-4o', {})); // 'rate_limit'
 * classifyError(new DOMException('stop', 'AbortError')); // 'aborted'
 */
import { type ErrorKind, isErrorKind } from '../../core/errors/index.ts';

/** An error kind, `'aborted'` for an abort, or `'unknown'` for an error Understudy did not make. */
export type ErrorClass = ErrorKind | 'aborted' | 'unknown';

export function classifyError(error: unknown): ErrorClass {
  if (error !== null && typeof error === 'object') {
    const kind = (error as { kind?: unknown }).kind;
    if (isErrorKind(kind)) return kind;
    const name = (error as { name?: unknown }).name;
    if (name === 'AbortError') return 'aborted';
    if (name === 'TimeoutError') return 'timeout';
  }
  return 'unknown';
}

/** The HTTP status of an error that has one (ModelHTTPError), else undefined. */
export function statusCodeOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** How long the provider asked us to wait, in ms, for errors that say (ModelHTTPError), else undefined. */
export function retryAfterOf(error: unknown): number | undefined {
  const wait = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof wait === 'number' ? wait : undefined;
}
