/**
 * Maps what the Responses API says in-band — a `failed` response, an `error` stream event, a body that is
 * not a response, a stream cut before its end event — to typed errors. HTTP statuses and transport
 * failures are mapped once, in src/transport/client.ts; this is the adapter's only other mapping.
 */
import type { ModelAPIError } from '../../core/errors/index.ts';
import { AnswerParser } from '../answer-parser.ts';
import { type ErrorObjectFailure, errorObjectProtocolError, type ProtocolWords } from '../in-band-errors.ts';

/**
 * What went wrong in-band; see `inBandError`. An error object is `response.failed`'s `response.error`,
 * an `error` event, or a 200 body whose status is `failed`.
 */
export type InBandFailure = ErrorObjectFailure;

const WORDS: ProtocolWords = {
  frame: 'stream event',
  body: 'a Responses API response',
  endMarker: 'response.completed',
};

/**
 * The adapter's one mapping of in-band failures. An error object's kind comes from its code and message
 * (`rate_limit_exceeded`, `server_error`, `context_length_exceeded`, ...).
 *
 * @example
 * inBandError({ kind: 'error-object', error: { code: 'server_error', message: 'The server had an error' } }, 'gpt-5');
 * // ModelAPIError kind 'server', message 'gpt-5: provider reported an error: The server had an error (server_error)'
 */
export function inBandError(failure: InBandFailure, modelName: string): ModelAPIError {
  return errorObjectProtocolError(failure, modelName, WORDS);
}

/** Reads bodies and stream frames, failing as `inBandError` words it. */
export const answers = new AnswerParser(inBandError);
