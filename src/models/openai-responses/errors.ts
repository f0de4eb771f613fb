/**
 * Maps what the Responses API says in-band — a `failed` response, an `error` stream event, a body that is
 * not a response, a stream cut before its end event — to typed errors. HTTP statuses and transport
 * failures are mapped once, in src/http/client.ts; this is the adapter's only other mapping.
 */
import { kindOfStreamError, ModelAPIError, UnexpectedModelBehavior } from '../../errors/index.ts';
import { errorObjectSchema } from './api.ts';

/** What went wrong in-band; see `responsesError`. */
export type ResponsesFailure =
  /** `response.failed` (its `response.error`), an `error` event, or a 200 body whose status is `failed`. */
  | { kind: 'error-object'; error: unknown }
  /** A body or event that is not JSON, or not the shape of a response. */
  | { kind: 'malformed'; where: 'body' | 'stream'; text: string; cause?: unknown }
  /** The body ended before `response.completed`, `response.incomplete` or `response.failed`. */
  | { kind: 'truncated' };

/**
 * The adapter's one mapping of in-band failures. An error object's kind comes from its code and message
 * (`rate_limit_exceeded`, `server_error`, `context_length_exceeded`, ...).
 *
 * @example
 * responsesError({ kind: 'error-object', error: { code: 'server_error', message: 'The server had an error' } }, 'gpt-5');
 * // ModelAPIError kind 'server', message 'gpt-5: provider reported an error: The server had an error (server_error)'
 */
export function responsesError(failure: ResponsesFailure, modelName: string): ModelAPIError {
  switch (failure.kind) {
    case 'error-object': {
      const parsed = errorObjectSchema.safeParse(failure.error);
      const error = parsed.success ? parsed.data : {};
      const message =
        error.message ?? (typeof failure.error === 'string' ? failure.error : JSON.stringify(failure.error));
      const label = [error.type, error.code].filter((v) => v != null && v !== '').join(', ');
      return new ModelAPIError(
        modelName,
        `${modelName}: provider reported an error: ${message}${label ? ` (${label})` : ''}`,
        { kind: kindOfStreamError(`${error.type ?? ''} ${error.code ?? ''}`, message), cause: failure.error },
      );
    }
    case 'malformed':
      return new UnexpectedModelBehavior(
        failure.where === 'stream'
          ? `${modelName}: malformed stream event: ${failure.text.slice(0, 200)}`
          : `${modelName}: response body is not a Responses API response: ${failure.text.slice(0, 200)}`,
        {
          modelName,
          body: failure.text,
          kind: failure.where === 'stream' ? 'stream_error' : 'server',
          cause: failure.cause,
        },
      );
    case 'truncated':
      return new ModelAPIError(modelName, `${modelName}: stream ended before response.completed`, {
        kind: 'stream_error',
      });
  }
}
