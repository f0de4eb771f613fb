/**
 * The Bedrock adapter's one error mapping. Bedrock names its errors (`x-amzn-errortype` on an HTTP error,
 * `:exception-type` on a stream exception) and puts only `{"message": "..."}` in the body, so the name
 * decides the kind; the status code and message are the fallback when no name came.
 */
import { type ErrorKind, kindOfHttpFailure, ModelAPIError, ModelHTTPError } from '../../core/errors/index.ts';
import { AnswerParser } from '../answer-parser.ts';
import { type MalformedAnswer, malformedAnswerError, truncatedStreamError } from '../in-band-errors.ts';

/** Where Bedrock names the request, whole answer or stream; it is the response's id. */
export const REQUEST_ID_HEADER = 'x-amzn-requestid';

const KIND_BY_ERROR_TYPE: Record<string, ErrorKind> = {
  throttlingexception: 'rate_limit',
  servicequotaexceededexception: 'rate_limit',
  serviceunavailableexception: 'overloaded',
  modelnotreadyexception: 'overloaded',
  accessdeniedexception: 'auth',
  unrecognizedclientexception: 'auth',
  expiredtokenexception: 'auth',
  invalidsignatureexception: 'auth',
  resourcenotfoundexception: 'not_found',
  modeltimeoutexception: 'timeout',
  internalserverexception: 'server',
  modelerrorexception: 'server',
  modelstreamerrorexception: 'server',
};

const CONTEXT_LENGTH = /too long|context|too many (input )?tokens|exceeds? the (maximum|limit)/i;

/**
 * The kind of a Bedrock error from its type name (with or without the `:namespace` suffix AWS appends),
 * its HTTP status when there was one, and its message.
 *
 * @example
 * bedrockErrorKind('ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/', 429, 'Too many requests'); // 'rate_limit'
 * bedrockErrorKind('ValidationException', 400, 'Input is too long for requested model.'); // 'context_length'
 */
export function bedrockErrorKind(
  errorType: string | undefined,
  status: number | undefined,
  message: string,
): ErrorKind {
  const name = (errorType ?? '').split(':')[0]!.trim().toLowerCase();
  const known = KIND_BY_ERROR_TYPE[name];
  if (known) return known;
  if (name === 'validationexception') {
    if (CONTEXT_LENGTH.test(message)) return 'context_length';
    if (/guardrail|content filter|blocked/i.test(message)) return 'content_filter';
    return 'bad_request';
  }
  if (status !== undefined) {
    const kind = kindOfHttpFailure(status, message);
    return kind === 'bad_request' && CONTEXT_LENGTH.test(message) ? 'context_length' : kind;
  }
  return 'stream_error';
}

/**
 * An HTTP error from Bedrock, classified by its `x-amzn-errortype`. Everything else is the
 * `ModelHTTPError` it replaces (status, body, headers, Retry-After).
 *
 * @example
 * catch (error) { if (error instanceof ModelHTTPError) throw BedrockHTTPError.from(error); }
 */
export class BedrockHTTPError extends ModelHTTPError {
  override name = 'BedrockHTTPError';
  override readonly kind: ErrorKind;
  /** The error's name, e.g. `ThrottlingException`, when Bedrock sent one. */
  readonly errorType: string | undefined;

  constructor(statusCode: number, modelName: string, body: unknown, headers: Record<string, string> = {}) {
    super(statusCode, modelName, body, headers);
    const errorType = this.headers['x-amzn-errortype']?.split(':')[0];
    const message =
      typeof body === 'string'
        ? body
        : String((body as { message?: unknown } | null)?.message ?? JSON.stringify(body));
    this.errorType = errorType;
    this.kind = bedrockErrorKind(errorType, statusCode, message);
  }

  /** Re-classifies a `ModelHTTPError` from the shared HTTP client. */
  static from(error: ModelHTTPError): BedrockHTTPError {
    return new BedrockHTTPError(error.statusCode, error.modelName, error.body, error.headers);
  }
}

/** What went wrong in-band; see `inBandError`. */
export type InBandFailure =
  /** An `exception` (or `error`) message in the event stream. */
  | { kind: 'exception'; errorType: string; message: string }
  /** A body or event that is not what Converse sends. */
  | MalformedAnswer
  /** The body ended before `messageStop`. */
  | { kind: 'truncated' };

/**
 * Maps an in-band failure to a typed error.
 *
 * @example
 * inBandError({ kind: 'exception', errorType: 'throttlingException', message: 'Too many tokens' }, 'nova');
 * // ModelAPIError kind 'rate_limit'
 */
export function inBandError(failure: InBandFailure, modelName: string): ModelAPIError {
  switch (failure.kind) {
    case 'exception':
      return new ModelAPIError(
        modelName,
        `${modelName}: provider reported an error: ${failure.message} (${failure.errorType})`,
        { kind: bedrockErrorKind(failure.errorType, undefined, failure.message) },
      );
    case 'malformed':
      return malformedAnswerError(failure, modelName, {
        frame: 'event stream',
        body: 'a Converse response',
      });
    case 'truncated':
      return truncatedStreamError(modelName, 'messageStop');
  }
}

/** Reads Converse bodies and event payloads, failing as `inBandError` words it. */
export const answers = new AnswerParser(inBandError);
