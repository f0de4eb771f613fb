/**
 * Maps what a Chat Completions host says in-band — an error object inside a 200 answer or an SSE frame,
 * a body that is not a completion, a stream cut before `[DONE]` — to typed errors. HTTP statuses and
 * transport failures are mapped once, in src/http/client.ts; this is the adapter's only other mapping.
 */
import type { ModelAPIError } from '../../errors/index.ts';
import {
  errorObjectError,
  type MalformedAnswer,
  malformedAnswerError,
  truncatedStreamError,
} from '../in-band-errors.ts';

/** The end marker of a Chat Completions stream. */
export const STREAM_END_MARKER = '[DONE]';

/** What went wrong in-band, as the stream reader or body parser saw it; see `inBandError`. */
export type InBandFailure =
  /** `{"error": {...}}` in a stream frame or a 200 body (OpenAI's mid-stream errors, OpenRouter's). */
  | { kind: 'error-object'; error: unknown }
  /** A body or stream frame that is not JSON, or not the shape of a completion. */
  | MalformedAnswer
  /** The body ended before the stream's end marker. */
  | { kind: 'truncated' };

/**
 * The adapter's one mapping of in-band failures. An error object's kind comes from its numeric code
 * (OpenRouter puts the HTTP status there) or else from its type, code and message.
 *
 * @example
 * inBandError({ kind: 'error-object', error: { message: 'Overloaded', type: 'server_error' } }, 'gpt-4o');
 * // ModelAPIError kind 'overloaded', message 'gpt-4o: provider reported an error: Overloaded (server_error)'
 */
export function inBandError(failure: InBandFailure, modelName: string): ModelAPIError {
  switch (failure.kind) {
    case 'error-object':
      return errorObjectError(failure.error, modelName);
    case 'malformed':
      return malformedAnswerError(failure, modelName, { frame: 'stream frame', body: 'a chat completion' });
    case 'truncated':
      return truncatedStreamError(modelName, STREAM_END_MARKER);
  }
}
