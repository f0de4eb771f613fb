/**
 * Maps what a Chat Completions host says in-band — an error object inside a 200 answer or an SSE frame,
 * a body that is not a completion, a stream cut before `[DONE]` — to typed errors. HTTP statuses and
 * transport failures are mapped once, in src/http/client.ts; this is the adapter's only other mapping.
 */
import {
  kindOfHttpFailure,
  kindOfStreamError,
  ModelAPIError,
  UnexpectedModelBehavior,
} from '../../errors/index.ts';
import { errorObjectSchema } from './api.ts';

/** The end marker of a Chat Completions stream. */
export const STREAM_END_MARKER = '[DONE]';

/** What went wrong in-band, as the stream reader or body parser saw it; see `inBandError`. */
export type InBandFailure =
  /** `{"error": {...}}` in a stream frame or a 200 body (OpenAI's mid-stream errors, OpenRouter's). */
  | { kind: 'error-object'; error: unknown }
  /** A body or stream frame that is not JSON, or not the shape of a completion. */
  | { kind: 'malformed'; where: 'body' | 'stream'; text: string; cause?: unknown }
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
    case 'error-object': {
      const parsed = errorObjectSchema.safeParse(failure.error);
      const error = parsed.success ? parsed.data : {};
      const message =
        error.message ?? (typeof failure.error === 'string' ? failure.error : JSON.stringify(failure.error));
      const label = [error.type, error.code].filter((v) => v != null && v !== '').join(', ');
      const kind =
        typeof error.code === 'number' && error.code >= 400 && error.code < 600
          ? kindOfHttpFailure(error.code, `${error.type ?? ''} ${message}`)
          : kindOfStreamError(`${error.type ?? ''} ${error.code ?? ''}`, message);
      return new ModelAPIError(
        modelName,
        `${modelName}: provider reported an error: ${message}${label ? ` (${label})` : ''}`,
        { kind, cause: failure.error },
      );
    }
    case 'malformed':
      return new UnexpectedModelBehavior(
        failure.where === 'stream'
          ? `${modelName}: malformed stream frame: ${failure.text.slice(0, 200)}`
          : `${modelName}: response body is not a chat completion: ${failure.text.slice(0, 200)}`,
        {
          modelName,
          body: failure.text,
          kind: failure.where === 'stream' ? 'stream_error' : 'server',
          cause: failure.cause,
        },
      );
    case 'truncated':
      return new ModelAPIError(modelName, `${modelName}: stream ended before ${STREAM_END_MARKER}`, {
        kind: 'stream_error',
      });
  }
}
