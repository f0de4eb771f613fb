/**
 * A GatewayError in Google's shape, `{"error":{"code","message","status"}}`, so `@google/genai` raises
 * its `ApiError` with the status, and Gemini CLI retries a 429 or 503 as it would from Google. The
 * attempt summary of a failed fallback rides beside them, as on the other protocols' errors.
 *
 * @example
 * renderGeminiError(new GatewayError(404, 'model_not_found', "Unknown model 'x'"))
 * // '{"error":{"code":404,"message":"Unknown model \'x\'","status":"NOT_FOUND"}}'
 */
import type { GatewayError } from '../errors/gateway-error.ts';

// Google's canonical codes by HTTP status, as its API sends them.
const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'INVALID_ARGUMENT',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  415: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** The `error` object, also the payload of a stream's error chunk. */
export function geminiErrorObject(error: GatewayError): Record<string, unknown> {
  const status = STATUS[error.status] ?? (error.status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  const body: Record<string, unknown> = { code: error.status, message: error.message, status };
  if (error.attempts) body.attempts = error.attempts;
  return body;
}

export function renderGeminiError(error: GatewayError): string {
  return JSON.stringify({ error: geminiErrorObject(error) });
}
