/**
 * The one place Gemini's in-band failures become typed errors: error objects inside a 200 body or an
 * SSE stream, prompts and answers withheld by a safety policy, bodies that are not the JSON Gemini
 * documents, and streams that end before a finish reason. HTTP statuses of 400 and more are mapped by
 * `postJson` (src/transport/client.ts) from the status and body, before an adapter sees them.
 */
import { kindOfStreamError, ModelAPIError, UnexpectedModelBehavior } from '../../core/errors/index.ts';
import { AnswerParser } from '../answer-parser.ts';
import type { MalformedAnswer } from '../in-band-errors.ts';

export type InBandFailure =
  /** `{"error": {"code": 503, "message": "...", "status": "UNAVAILABLE"}}` sent inside a stream or 200 body. */
  | { kind: 'error-frame'; error: { code?: number | null; message?: string | null; status?: string | null } }
  /** Gemini refused the prompt (`promptFeedback.blockReason`) or withheld the whole answer (finish reason SAFETY, ...). */
  | { kind: 'withheld'; reason: string; message?: string | null | undefined; prompt: boolean }
  /** The body (or one SSE frame) is not JSON, or not a GenerateContentResponse. */
  | MalformedAnswer
  /** The stream ended without a chunk carrying a finish reason. */
  | { kind: 'truncated' };

/**
 * Maps one in-band failure to the error the attempt engine classifies: `ModelAPIError` with a kind for
 * what the provider reported (a withheld answer is `content_filter`, so a fallback can try another
 * model), `UnexpectedModelBehavior` for a body that breaks the protocol.
 *
 * @example
 * throw inBandError({ kind: 'error-frame', error: { code: 503, status: 'UNAVAILABLE', message: 'The model is overloaded.' } }, 'gemini-2.5-pro');
 * // ModelAPIError, kind 'overloaded'
 */
export function inBandError(failure: InBandFailure, modelName: string): ModelAPIError {
  switch (failure.kind) {
    case 'error-frame': {
      const { code, status, message } = failure.error;
      const text = message ?? 'no message';
      const label = [code, status].filter((value) => value !== undefined && value !== null).join(' ');
      return new ModelAPIError(modelName, `Gemini reported an error${label ? ` (${label})` : ''}: ${text}`, {
        kind: kindOfStreamError(status ?? '', text),
      });
    }
    case 'withheld': {
      const what = failure.prompt ? 'blocked the prompt' : 'withheld the response';
      const detail = failure.message ? `: ${failure.message}` : '';
      return new ModelAPIError(modelName, `Gemini ${what} (${failure.reason})${detail}`, {
        kind: 'content_filter',
      });
    }
    case 'malformed':
      return new UnexpectedModelBehavior(
        `Gemini sent ${failure.where === 'stream' ? 'a stream frame' : 'a response body'} that is not a valid GenerateContentResponse: ${failure.text.slice(0, 200)}`,
        {
          modelName,
          body: failure.text,
          kind: failure.where === 'stream' ? 'stream_error' : 'server',
          cause: failure.cause,
        },
      );
    case 'truncated':
      return new ModelAPIError(modelName, 'Gemini stream ended before finishReason', {
        kind: 'stream_error',
      });
  }
}

/** Reads bodies and stream frames, failing as `inBandError` words it. */
export const answers = new AnswerParser(inBandError);
