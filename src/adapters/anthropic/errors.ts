/**
 * The one place Anthropic's in-band failures become typed errors: an `error` event inside a stream (or an
 * error object in a 200 body), a body that is not the JSON the protocol promises, and a stream that ends
 * before `message_stop`. HTTP statuses are mapped by `postJson`, transport failures by `transportError`.
 *
 * @example
 * throw inBandError({ kind: 'error-event', type: 'overloaded_error', message: 'Overloaded' }, 'claude-sonnet-4-5');
 * // ModelAPIError, kind 'overloaded'
 */
import { kindOfStreamError, ModelAPIError, UnexpectedModelBehavior } from '../../core/errors/index.ts';

export type InBandFailure =
  /** `{type: "error", error: {type, message}}` where an answer was expected. */
  | { kind: 'error-event'; type: string; message: string }
  /** Not JSON, or JSON of the wrong shape. `stream` says where: a frame of a stream or a whole body. */
  | { kind: 'malformed'; stream: boolean; detail: string; body?: string }
  /** The stream's body ended without `message_stop`. */
  | { kind: 'truncated' };

export function inBandError(failure: InBandFailure, modelName: string): ModelAPIError {
  switch (failure.kind) {
    case 'error-event':
      return new ModelAPIError(
        modelName,
        `Anthropic reported an error (${failure.type}): ${failure.message || '(no message)'}`,
        { kind: kindOfStreamError(failure.type, failure.message) },
      );
    case 'malformed':
      return new UnexpectedModelBehavior(
        `Anthropic sent a malformed ${failure.stream ? 'stream frame' : 'response body'}: ${failure.detail}`,
        {
          modelName,
          kind: failure.stream ? 'stream_error' : 'server',
          ...(failure.body === undefined ? {} : { body: failure.body.slice(0, 2000) }),
        },
      );
    case 'truncated':
      return new ModelAPIError(modelName, 'Anthropic stream ended before message_stop', {
        kind: 'stream_error',
      });
  }
}
