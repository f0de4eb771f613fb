/**
 * The one error type the gateway's handlers throw. It says what the client did wrong (or what went wrong
 * upstream) in terms both client protocols can render: an HTTP status, a short machine code and a
 * message that is safe to show — never a stack trace, never an upstream key.
 *
 * @example
 * throw new GatewayError(400, 'invalid_request', "messages[0].role: expected one of 'system', 'user', ...", { param: 'messages[0].role' });
 */

/** What the client sees of one attempt when every attempt failed. */
export interface AttemptSummary {
  model: string;
  kind: string;
  status?: number;
}

/**
 * The gateway's error families. Each maps to an OpenAI `type` and an Anthropic `error.type` in
 * `render-error.ts`.
 */
export type GatewayErrorCode =
  | 'invalid_request'
  | 'invalid_json'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'forbidden'
  | 'host_not_allowed'
  | 'not_found'
  | 'model_not_found'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'upstream_rate_limited'
  | 'upstream_unavailable'
  | 'upstream_failed'
  | 'timeout'
  | 'internal';

export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly status: number;
  readonly code: GatewayErrorCode;
  /** The request field at fault, as a path such as `messages[2].content`. */
  readonly param: string | undefined;
  readonly attempts: AttemptSummary[] | undefined;
  /** Seconds, for a `retry-after` header on 429s. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: GatewayErrorCode,
    message: string,
    options: { param?: string; attempts?: AttemptSummary[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.param = options.param;
    this.attempts = options.attempts;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
