/**
 * Writes a GatewayError in the client's own protocol, so an OpenAI SDK raises its `RateLimitError` and
 * an Anthropic SDK its `OverloadedError` for the matching failures.
 *
 * @example
 * renderOpenAIError(new GatewayError(404, 'model_not_found', "Unknown model 'x'"))
 * // '{"error":{"message":"Unknown model \'x\'","type":"invalid_request_error","param":null,"code":"model_not_found"}}'
 */
import type { GatewayError, GatewayErrorCode } from './gateway-error.ts';

const OPENAI_TYPE: Record<GatewayErrorCode, string> = {
  invalid_request: 'invalid_request_error',
  invalid_json: 'invalid_request_error',
  body_too_large: 'invalid_request_error',
  unsupported_media_type: 'invalid_request_error',
  unauthorized: 'authentication_error',
  forbidden: 'permission_error',
  host_not_allowed: 'permission_error',
  not_found: 'invalid_request_error',
  model_not_found: 'invalid_request_error',
  method_not_allowed: 'invalid_request_error',
  rate_limited: 'rate_limit_error',
  upstream_rate_limited: 'rate_limit_error',
  upstream_unavailable: 'server_error',
  upstream_failed: 'server_error',
  timeout: 'server_error',
  internal: 'server_error',
};

const ANTHROPIC_TYPE: Record<GatewayErrorCode, string> = {
  invalid_request: 'invalid_request_error',
  invalid_json: 'invalid_request_error',
  body_too_large: 'request_too_large',
  unsupported_media_type: 'invalid_request_error',
  unauthorized: 'authentication_error',
  forbidden: 'permission_error',
  host_not_allowed: 'permission_error',
  not_found: 'not_found_error',
  model_not_found: 'not_found_error',
  method_not_allowed: 'invalid_request_error',
  rate_limited: 'rate_limit_error',
  upstream_rate_limited: 'rate_limit_error',
  upstream_unavailable: 'overloaded_error',
  upstream_failed: 'api_error',
  timeout: 'timeout_error',
  internal: 'api_error',
};

/** The `error` object of OpenAI's error body (also the payload of a stream's error frame). */
export function openAIErrorObject(error: GatewayError): Record<string, unknown> {
  const body: Record<string, unknown> = {
    message: error.message,
    type: OPENAI_TYPE[error.code],
    param: error.param ?? null,
    code: error.code,
  };
  if (error.attempts) body.attempts = error.attempts;
  return body;
}

export function renderOpenAIError(error: GatewayError): string {
  return JSON.stringify({ error: openAIErrorObject(error) });
}

/** Anthropic's error body, also the data of a stream's `event: error` frame. */
export function renderAnthropicError(error: GatewayError): string {
  const inner: Record<string, unknown> = { type: ANTHROPIC_TYPE[error.code], message: error.message };
  if (error.attempts) inner.attempts = error.attempts;
  return JSON.stringify({ type: 'error', error: inner });
}
