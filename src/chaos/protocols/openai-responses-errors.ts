/**
 * The OpenAI Responses API's errors, for its emulator: the `{error: {message, type, param, code}}` body per
 * status fault (the Responses wording where it differs from Chat Completions: a context overflow names
 * `input`), and the in-band failure of a stream.
 */
import { gatewayHtml, type HttpReply, jsonReply, replyCache, type StatusFault } from './protocol.ts';

/** OpenAI's error body. @example error('Invalid request.', 'invalid_request_error', null, null) */
export function error(message: string, type: string, param: string | null, code: string | null) {
  return { error: { message, type, param, code } };
}

/** A 400 `invalid_request_error`. @example invalid("Missing required parameter: 'model'.", 'model', 'missing_required_parameter') */
export const invalid = (message: string, param: string | null, code: string | null) =>
  jsonReply(400, error(message, 'invalid_request_error', param, code));

/** The 400 for a body that is not JSON. */
export const PARSE_ERROR = invalid(
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
  null,
  null,
);
/** The 400 for a request without `model`. */
export const NO_MODEL = invalid(
  "Missing required parameter: 'model'.",
  'model',
  'missing_required_parameter',
);
/** The body of a 500, and the message of the in-band error. */
export const SERVER_ERROR = error(
  'An error occurred while processing your request. You can retry your request, or contact us through our help center at help.openai.com if the error persists.',
  'server_error',
  null,
  'server_error',
);
const OVERLOADED = error(
  'The engine is currently overloaded, please try again later',
  'server_error',
  null,
  null,
);
/** The in-band failure: an `error` event, then the `response.failed` that ends the stream. */
export const RESPONSES_ERROR_EVENTS =
  `event: error\ndata: ${JSON.stringify({ type: 'error', code: 'server_error', message: SERVER_ERROR.error.message, param: null, sequence_number: 0 })}\n\n` +
  `event: response.failed\ndata: ${JSON.stringify({
    type: 'response.failed',
    response: {
      id: 'resp_failed',
      object: 'response',
      status: 'failed',
      error: { code: 'server_error', message: SERVER_ERROR.error.message },
      incomplete_details: null,
      output: [],
      usage: null,
    },
    sequence_number: 1,
  })}\n\n`;

const cached = replyCache();

function statusBody(fault: StatusFault, model: string): unknown {
  const { status, variant } = fault;
  if (status === 400 && variant === 'context-length') {
    return error(
      'Your input exceeds the context window of this model. Please adjust your input and try again.',
      'invalid_request_error',
      'input',
      'context_length_exceeded',
    );
  }
  if (status === 400 && variant === 'content-policy') {
    return error(
      'Invalid prompt: your prompt was flagged as potentially violating our usage policy. Please try again with a different prompt.',
      'invalid_request_error',
      null,
      'invalid_prompt',
    );
  }
  switch (status) {
    case 401:
      return error(
        'Incorrect API key provided: sk-chaos. You can find your API key at https://platform.openai.com/account/api-keys.',
        'invalid_request_error',
        null,
        'invalid_api_key',
      );
    case 403:
      return error(
        'Country, region, or territory not supported',
        'request_forbidden',
        null,
        'unsupported_country_region_territory',
      );
    case 404:
      return error(
        `The model \`${model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        null,
        'model_not_found',
      );
    case 429: {
      const wait = fault.retryAfterMs ?? (fault.retryAfterSeconds ?? 1) * 1000;
      const message = `Rate limit reached for ${model} in organization org-chaos on tokens per min (TPM): Limit 30000, Used 30000, Requested 12. Please try again in ${wait}ms. Visit https://platform.openai.com/account/rate-limits to learn more.`;
      return error(message, 'tokens', null, 'rate_limit_exceeded');
    }
    case 502:
    case 504:
      return gatewayHtml(status, 'cloudflare');
    case 503:
    case 529:
      return OVERLOADED;
    default:
      return status >= 500 ? SERVER_ERROR : error('Invalid request.', 'invalid_request_error', null, null);
  }
}

function retryHeaders(fault: StatusFault): string[] {
  const headers: string[] = [];
  if (fault.retryAfterSeconds !== undefined) headers.push('retry-after', String(fault.retryAfterSeconds));
  if (fault.retryAfterMs !== undefined) headers.push('retry-after-ms', String(fault.retryAfterMs));
  if (fault.status === 429) {
    headers.push('x-ratelimit-limit-tokens', '30000', 'x-ratelimit-remaining-tokens', '0');
    const waitMs = fault.retryAfterMs ?? (fault.retryAfterSeconds ?? 1) * 1000;
    headers.push('x-ratelimit-reset-tokens', `${waitMs}ms`);
  }
  return headers;
}

/**
 * The reply for a status fault: OpenAI's error body for the status (Cloudflare's HTML page for 502/504)
 * with the fault's Retry-After and, for a 429, the rate-limit headers.
 *
 * @example
 * responsesStatusReply({ kind: 'status', status: 503, variant: 'default', retryAfterSeconds: 1, retryAfterMs: undefined }, 'gpt-4o');
 */
export function responsesStatusReply(fault: StatusFault, model: string): HttpReply {
  const key = `${fault.status}|${fault.variant}|${fault.retryAfterSeconds}|${fault.retryAfterMs}|${model}`;
  return cached(key, (): HttpReply => {
    const body = statusBody(fault, model);
    const extra = retryHeaders(fault);
    if (typeof body === 'string') {
      return { kind: 'reply', status: fault.status, headers: ['content-type', 'text/html', ...extra], body };
    }
    return jsonReply(fault.status, body, extra);
  });
}
