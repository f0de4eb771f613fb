/**
 * The in-band failures several protocols share, mapped one way: an OpenAI-style error object inside a 200
 * body or a stream (Chat Completions, Responses), a body or frame that breaks the protocol, and a stream
 * cut before its end marker (those two for every adapter whose messages start with the model's name).
 * Each adapter's own errors.ts keeps its union of failures and its words, and calls these for the logic.
 */
import { z } from 'zod';
import {
  kindOfHttpFailure,
  kindOfStreamError,
  ModelAPIError,
  UnexpectedModelBehavior,
} from '../core/errors/index.ts';

/**
 * OpenAI's error object, `{message, type, param, code}`; OpenRouter puts the HTTP status in `code`.
 *
 * @example
 * errorObjectSchema.parse({ message: 'Overloaded', type: 'server_error', code: null });
 */
export const errorObjectSchema = z.looseObject({
  message: z.string().nullish(),
  type: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
  param: z.string().nullish(),
});

/**
 * A body or stream frame that is not JSON, or not the shape the protocol promises.
 *
 * @example
 * const failure: MalformedAnswer = { kind: 'malformed', where: 'stream', text: 'data: {oops' };
 */
export interface MalformedAnswer {
  kind: 'malformed';
  where: 'body' | 'stream';
  text: string;
  cause?: unknown;
}

/**
 * Maps an OpenAI-style error object to a `ModelAPIError`. Its kind comes from a numeric code in the HTTP
 * range (OpenRouter's), else from its type, code and message; anything that is not an error object is
 * reported as it came.
 *
 * @example
 * errorObjectError({ message: 'Overloaded', type: 'server_error' }, 'gpt-4o');
 * // ModelAPIError kind 'overloaded', message 'gpt-4o: provider reported an error: Overloaded (server_error)'
 */
export function errorObjectError(errorObject: unknown, modelName: string): ModelAPIError {
  const parsed = errorObjectSchema.safeParse(errorObject);
  const error = parsed.success ? parsed.data : {};
  const message =
    error.message ?? (typeof errorObject === 'string' ? errorObject : JSON.stringify(errorObject));
  const label = [error.type, error.code].filter((v) => v != null && v !== '').join(', ');
  const kind =
    typeof error.code === 'number' && error.code >= 400 && error.code < 600
      ? kindOfHttpFailure(error.code, `${error.type ?? ''} ${message}`)
      : kindOfStreamError(`${error.type ?? ''} ${error.code ?? ''}`, message);
  return new ModelAPIError(
    modelName,
    `${modelName}: provider reported an error: ${message}${label ? ` (${label})` : ''}`,
    { kind, cause: errorObject },
  );
}

/**
 * An answer that breaks the protocol: `UnexpectedModelBehavior`, kind `stream_error` for a stream frame
 * (the fallback boundary decides) and `server` for a whole body. `words` names what was expected.
 *
 * @example
 * malformedAnswerError({ kind: 'malformed', where: 'body', text: '<html>' }, 'gpt-4o',
 *   { frame: 'stream frame', body: 'a chat completion' });
 * // 'gpt-4o: response body is not a chat completion: <html>'
 */
export function malformedAnswerError(
  failure: MalformedAnswer,
  modelName: string,
  words: { frame: string; body: string },
): UnexpectedModelBehavior {
  const excerpt = failure.text.slice(0, 200);
  return new UnexpectedModelBehavior(
    failure.where === 'stream'
      ? `${modelName}: malformed ${words.frame}: ${excerpt}`
      : `${modelName}: response body is not ${words.body}: ${excerpt}`,
    {
      modelName,
      body: failure.text,
      kind: failure.where === 'stream' ? 'stream_error' : 'server',
      cause: failure.cause,
    },
  );
}

/**
 * A stream whose body ended before the protocol's end marker: kind `stream_error`.
 *
 * @example
 * truncatedStreamError('gpt-4o', '[DONE]'); // 'gpt-4o: stream ended before [DONE]'
 */
export function truncatedStreamError(modelName: string, endMarker: string): ModelAPIError {
  return new ModelAPIError(modelName, `${modelName}: stream ended before ${endMarker}`, {
    kind: 'stream_error',
  });
}

/**
 * What goes wrong in-band in a protocol that reports errors as OpenAI's error object (Chat Completions,
 * Responses): the object itself, a body or frame that breaks the protocol, a stream cut before its end.
 */
export type ErrorObjectFailure =
  /** `{"error": {...}}` in a stream frame or a 200 body, or a failed response's `error`. */
  | { kind: 'error-object'; error: unknown }
  /** A body or stream frame that is not JSON, or not the protocol's shape. */
  | MalformedAnswer
  /** The body ended before the stream's end marker. */
  | { kind: 'truncated' };

/**
 * How a protocol names its parts in error messages: a stream frame, a whole body, the stream's end.
 *
 * @example
 * const words: ProtocolWords = { frame: 'stream frame', body: 'a chat completion', endMarker: '[DONE]' };
 */
export interface ProtocolWords {
  frame: string;
  body: string;
  endMarker: string;
}

/**
 * The one mapping of an `ErrorObjectFailure`, worded for its protocol.
 *
 * @example
 * errorObjectProtocolError({ kind: 'truncated' }, 'gpt-4o', CHAT_WORDS); // 'gpt-4o: stream ended before [DONE]'
 */
export function errorObjectProtocolError(
  failure: ErrorObjectFailure,
  modelName: string,
  words: ProtocolWords,
): ModelAPIError {
  switch (failure.kind) {
    case 'error-object':
      return errorObjectError(failure.error, modelName);
    case 'malformed':
      return malformedAnswerError(failure, modelName, words);
    case 'truncated':
      return truncatedStreamError(modelName, words.endMarker);
  }
}

/**
 * The `error` member of an answer, when it has a non-null one: how Chat Completions and Responses hosts
 * put an error object in a 200 body or a frame.
 *
 * @example
 * errorField({ error: { message: 'Overloaded' } }); // { message: 'Overloaded' }
 */
export function errorField(json: unknown): unknown {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const error = (json as { error?: unknown }).error;
  return error === null ? undefined : error;
}

/**
 * What a JSON body means where a stream was asked for (hosts that answer an error without SSE): the
 * error object it holds, else a malformed stream.
 *
 * @example
 * jsonInsteadOfStream('{"error":{"message":"Overloaded"}}'); // { kind: 'error-object', error: { message: 'Overloaded' } }
 */
export function jsonInsteadOfStream(text: string): ErrorObjectFailure {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return { kind: 'malformed', where: 'stream', text, cause };
  }
  const error = errorField(json);
  return error === undefined ? { kind: 'malformed', where: 'stream', text } : { kind: 'error-object', error };
}
