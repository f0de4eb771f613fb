/**
 * The one word every failure is classified into. The attempt engine decides from it alone whether to
 * retry the same model, fall back to the next, or fail.
 */
export const ERROR_KINDS = [
  'rate_limit',
  'overloaded',
  'server',
  'timeout',
  'network',
  'context_length',
  'content_filter',
  'auth',
  'bad_request',
  'not_found',
  'stream_error',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ERROR_KINDS as readonly string[]).includes(value);
}

// Phrases the providers really use, taken from their error bodies (OpenAI, Anthropic, Gemini and the
// OpenAI-compatible hosts). Matched case-insensitively against the error's code, type and message.
const CONTEXT_LENGTH =
  /context[_ ]length|maximum context|context window|prompt is too long|too many tokens|input token count.*exceeds|exceeds the maximum number of tokens|request[_ ]too[_ ]large|string_above_max_length|reduce the length of the messages/i;
const CONTENT_FILTER =
  /content[_ ]policy|content[_ ]filter|content management policy|safety system|responsibleaipolicyviolation|flagged|moderation|invalid_prompt|blocked.*safety|SAFETY/;
const OVERLOADED = /overloaded|over capacity|UNAVAILABLE|engine is currently overloaded/i;

/**
 * Classifies an HTTP failure from its status and the text of its body. Body phrases come first because
 * providers use 400 for both a bad request and a prompt past the context window, and 429 for both rate
 * limits and (Gemini's RESOURCE_EXHAUSTED) quota.
 */
export function kindOfHttpFailure(statusCode: number, bodyText: string): ErrorKind {
  if (statusCode === 529) return 'overloaded';
  if (statusCode === 400 || statusCode === 413 || statusCode === 422 || statusCode === 403) {
    // Gemini answers a bad API key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID.
    if (/API_KEY_INVALID|API key not valid/.test(bodyText)) return 'auth';
    if (CONTEXT_LENGTH.test(bodyText)) return 'context_length';
    if (CONTENT_FILTER.test(bodyText)) return 'content_filter';
  }
  // 402 (OpenRouter: out of credits) and a 429 for an exhausted quota will not pass by waiting: like a
  // bad key, they mean this account cannot serve now, so the engine falls back at once.
  if (statusCode === 401 || statusCode === 402 || statusCode === 403) return 'auth';
  // Gemini's per-minute 429 says "check your plan and billing details" too, but it is RESOURCE_EXHAUSTED
  // with a RetryInfo delay: a rate limit that passes by waiting.
  if (
    statusCode === 429 &&
    /insufficient_quota|billing/i.test(bodyText) &&
    !/RESOURCE_EXHAUSTED/.test(bodyText)
  ) {
    return 'auth';
  }
  if (statusCode === 404) return 'not_found';
  if (statusCode === 408) return 'timeout';
  if (statusCode === 429) return 'rate_limit';
  if (statusCode >= 500) return statusCode === 503 || OVERLOADED.test(bodyText) ? 'overloaded' : 'server';
  return 'bad_request';
}

/**
 * Classifies an error reported inside a stream (an SSE error frame), where there is no status code: the
 * provider's error type and message say what it was.
 */
export function kindOfStreamError(errorType: string, message: string): ErrorKind {
  const text = `${errorType} ${message}`;
  // Gemini's error frames carry the gRPC status (`UNAVAILABLE` for 503) as their type.
  if (/overloaded/i.test(text) || /\bUNAVAILABLE\b/.test(text)) return 'overloaded';
  if (/rate[_ ]limit|too many requests|RESOURCE_EXHAUSTED/i.test(text)) return 'rate_limit';
  if (CONTEXT_LENGTH.test(text)) return 'context_length';
  if (CONTENT_FILTER.test(text)) return 'content_filter';
  if (/api_error|server_error|internal|INTERNAL/i.test(text)) return 'server';
  return 'stream_error';
}
