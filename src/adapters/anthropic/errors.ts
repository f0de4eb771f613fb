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
import { AnswerParser } from '../answer-parser.ts';
import type { MalformedAnswer } from '../in-band-errors.ts';

export type InBandFailure =
  /** `{type: "error", error: {type, message}}` where an answer was expected. */
  | { kind: 'error-event'; type: string; message: string }
  /**
   * Not JSON, or JSON of the wrong shape, in a stream frame or a whole body. `detail` says what is wrong
   * (else: not JSON); `text` is what came, when there is one.
   */
  | { kind: 'malformed'; where: MalformedAnswer['where']; detail?: string; text?: string }
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
    case 'malformed': {
      const stream = failure.where === 'stream';
      const detail = failure.detail ?? `not JSON: ${(failure.text ?? '').slice(0, 200)}`;
      return new UnexpectedModelBehavior(
        `Anthropic sent a malformed ${stream ? 'stream frame' : 'response body'}: ${detail}`,
        {
          modelName,
          kind: stream ? 'stream_error' : 'server',
          ...(failure.text === undefined ? {} : { body: failure.text.slice(0, 2000) }),
        },
      );
    }
    case 'truncated':
      return new ModelAPIError(modelName, 'Anthropic stream ended before message_stop', {
        kind: 'stream_error',
      });
  }
}

/** Reads bodies and stream frames, failing as `inBandError` words it. */
export const answers = new AnswerParser(inBandError);
