/**
 * Every failure Understudy raises is one of these classes, and every one carries a `kind`, so code that
 * decides what to do next (retry, fall back, fail) never parses messages.
 *
 * @example
 * try { await model.request(messages); }
 * catch (error) { if (error instanceof ModelHTTPError && error.kind === 'rate_limit') wait(error.retryAfterMs); }
 */
import { type ErrorKind, kindOfHttpFailure } from './kind.ts';
import { retryAfterMs, retryDelayInBody } from './retry-after.ts';

export { ERROR_KINDS, type ErrorKind, isErrorKind, kindOfHttpFailure, kindOfStreamError } from './kind.ts';
export { parseGoDuration, retryAfterMs, retryDelayInBody } from './retry-after.ts';

/** A mistake in how Understudy was called or configured; the message says what to change. */
export class UserError extends Error {
  override name = 'UserError';
  readonly kind: ErrorKind = 'bad_request';
}

/**
 * A model API failed: the connection was refused or reset, a deadline passed, or the provider reported an
 * error. `kind` says which; `modelName` which model.
 */
export class ModelAPIError extends Error {
  override name = 'ModelAPIError';
  readonly modelName: string;
  readonly kind: ErrorKind;

  constructor(modelName: string, message: string, options: { kind?: ErrorKind; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.modelName = modelName;
    this.kind = options.kind ?? 'network';
  }
}

/**
 * The provider answered with an HTTP status of 400 or more. `body` is the parsed JSON body when it was
 * JSON (its text otherwise); `headers` are lower-cased. `retryAfterMs` is how long the provider asked us
 * to wait, if it said.
 */
export class ModelHTTPError extends ModelAPIError {
  override name = 'ModelHTTPError';
  readonly statusCode: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
  readonly retryAfterMs: number | undefined;

  constructor(statusCode: number, modelName: string, body: unknown, headers: Record<string, string> = {}) {
    const bodyText = typeof body === 'string' ? body : JSON.stringify(body ?? '');
    super(
      modelName,
      `status_code: ${statusCode}, model_name: ${modelName}, body: ${bodyText.slice(0, 1000)}`,
      {
        kind: kindOfHttpFailure(statusCode, bodyText),
      },
    );
    this.statusCode = statusCode;
    this.body = body;
    this.headers = lowerCaseKeys(headers);
    this.retryAfterMs = retryAfterMs(this.headers) ?? retryDelayInBody(body);
  }
}

/**
 * The model or provider did something the protocol does not allow: a malformed body, a broken stream, or
 * (in the Agent) too many invalid answers. It is a `ModelAPIError` so that a FallbackModel's default
 * `fallbackOn` moves past a provider that sends garbage, which pydantic-ai's does not.
 */
export class UnexpectedModelBehavior extends ModelAPIError {
  override name = 'UnexpectedModelBehavior';
  readonly body: string | undefined;

  constructor(
    message: string,
    options: { modelName?: string; body?: string; kind?: ErrorKind; cause?: unknown } = {},
  ) {
    super(options.modelName ?? 'unknown', message, { kind: options.kind ?? 'server', cause: options.cause });
    this.body = options.body;
  }
}

/** Lower-cases header names, joining repeated values with `, ` as HTTP does. */
export function lowerCaseKeys(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}
