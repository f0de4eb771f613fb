/**
 * What a failed model call came to, as the fault tests compare it: the error's class (the most specific
 * of Understudy's three), its kind, HTTP status and Retry-After. Shared by the adapter contract suite and
 * the emulators' own protocol tests so they judge an error the same way.
 */
import { ModelAPIError, ModelHTTPError, UnexpectedModelBehavior } from '../../src/core/errors/index.ts';

export interface FailureShape {
  ok: false;
  name: string;
  kind: string | undefined;
  status: number | undefined;
  retryAfterMs: number | undefined;
}

export function failureShape(error: unknown): FailureShape {
  const name =
    error instanceof ModelHTTPError
      ? 'ModelHTTPError'
      : error instanceof UnexpectedModelBehavior
        ? 'UnexpectedModelBehavior'
        : error instanceof ModelAPIError
          ? 'ModelAPIError'
          : String(error);
  const typed = error as { kind?: string; statusCode?: number; retryAfterMs?: number };
  return { ok: false, name, kind: typed.kind, status: typed.statusCode, retryAfterMs: typed.retryAfterMs };
}
