/**
 * The one way an adapter reads JSON it did not write: a whole body or one stream frame is parsed, and
 * checked against the protocol's schema where one is given; what is not JSON, or not that shape, throws
 * the adapter's own malformed-answer error. Each adapter builds one parser, once, with its error mapping,
 * so a body and a frame fail the same way in every protocol.
 */
import type { z } from 'zod';
import type { MalformedAnswer } from './in-band-errors.ts';

/** An adapter's mapping of a malformed body or frame to the error it throws (its errors.ts `inBandError`). */
export type MalformedAnswerError = (failure: MalformedAnswer, modelName: string) => Error;

/**
 * Parses one protocol's answers. Built once per adapter: calls allocate nothing beyond what
 * `JSON.parse` and the schema do, and an error only when the text is malformed.
 *
 * @example
 * const answers = new AnswerParser(inBandError);
 * const payload = answers.parse(streamPayloadSchema, frameText, 'stream', 'amazon.nova-pro-v1:0');
 */
export class AnswerParser {
  private readonly malformed: MalformedAnswerError;

  constructor(malformed: MalformedAnswerError) {
    this.malformed = malformed;
  }

  /** The JSON value of `text`; throws the adapter's malformed error, `cause` the SyntaxError, when it is none. */
  json(text: string, where: MalformedAnswer['where'], modelName: string): unknown {
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw this.malformed({ kind: 'malformed', where, text, cause }, modelName);
    }
  }

  /** The JSON value of `text` as `schema` reads it; throws, `cause` the schema's error, when it does not fit. */
  parse<T>(schema: z.ZodType<T>, text: string, where: MalformedAnswer['where'], modelName: string): T {
    const parsed = schema.safeParse(this.json(text, where, modelName));
    if (!parsed.success) {
      throw this.malformed({ kind: 'malformed', where, text, cause: parsed.error }, modelName);
    }
    return parsed.data;
  }
}
