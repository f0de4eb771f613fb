/**
 * Maps what a Chat Completions host says in-band — an error object inside a 200 answer or an SSE frame,
 * a body that is not a completion, a stream cut before `[DONE]` — to typed errors. HTTP statuses and
 * transport failures are mapped once, in src/transport/client.ts; this is the adapter's only other mapping.
 */
import type { ModelAPIError } from '../../core/errors/index.ts';
import { AnswerParser } from '../answer-parser.ts';
import { type ErrorObjectFailure, errorObjectProtocolError, type ProtocolWords } from '../in-band-errors.ts';

/** The end marker of a Chat Completions stream. */
export const STREAM_END_MARKER = '[DONE]';

/** What went wrong in-band, as the stream reader or body parser saw it; see `inBandError`. */
export type InBandFailure = ErrorObjectFailure;

const WORDS: ProtocolWords = {
  frame: 'stream frame',
  body: 'a chat completion',
  endMarker: STREAM_END_MARKER,
};

/**
 * The adapter's one mapping of in-band failures. An error object's kind comes from its numeric code
 * (OpenRouter puts the HTTP status there) or else from its type, code and message.
 *
 * @example
 * inBandError({ kind: 'error-object', error: { message: 'Overloaded', type: 'server_error' } }, 'gpt-4o');
 * // ModelAPIError kind 'overloaded', message 'gpt-4o: provider reported an error: Overloaded (server_error)'
 */
export function inBandError(failure: InBandFailure, modelName: string): ModelAPIError {
  return errorObjectProtocolError(failure, modelName, WORDS);
}

/** Reads bodies and stream frames, failing as `inBandError` words it. */
export const answers = new AnswerParser(inBandError);
