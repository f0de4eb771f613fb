import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { AnswerParser } from '../../src/adapters/answer-parser.ts';
import { answers as anthropicAnswers } from '../../src/adapters/anthropic/errors.ts';
import { answers as googleAnswers } from '../../src/adapters/google/errors.ts';
import { malformedAnswerError } from '../../src/adapters/in-band-errors.ts';
import { UnexpectedModelBehavior } from '../../src/core/errors/index.ts';

const words = { frame: 'stream frame', body: 'a test answer' };
const answers = new AnswerParser((failure, modelName) => malformedAnswerError(failure, modelName, words));
const pointSchema = z.object({ x: z.number() });

function thrown(read: () => unknown): UnexpectedModelBehavior {
  try {
    read();
  } catch (error) {
    if (error instanceof UnexpectedModelBehavior) return error;
    throw error;
  }
  throw new Error('expected the read to throw');
}

describe('AnswerParser', () => {
  test('JSON text is its value, checked against the schema when one is given', () => {
    expect(answers.json('[1,null]', 'body', 'm')).toEqual([1, null]);
    expect(answers.parse(pointSchema, '{"x":1}', 'stream', 'm')).toEqual({ x: 1 });
  });

  test('text that is not JSON throws the adapter error, with the SyntaxError as cause', () => {
    const error = thrown(() => answers.json('<html>', 'body', 'm'));
    expect([error.kind, error.message]).toEqual(['server', 'm: response body is not a test answer: <html>']);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  test('JSON of the wrong shape throws at the place it came from, with the schema error as cause', () => {
    const error = thrown(() => answers.parse(pointSchema, '{"x":"one"}', 'stream', 'm'));
    expect([error.kind, error.message]).toEqual(['stream_error', 'm: malformed stream frame: {"x":"one"}']);
    expect(error.cause).toBeInstanceOf(z.ZodError);
  });

  test('each adapter keeps its own words', () => {
    expect(thrown(() => anthropicAnswers.json('{oops', 'stream', 'claude')).message).toBe(
      'Anthropic sent a malformed stream frame: not JSON: {oops',
    );
    expect(thrown(() => googleAnswers.json('{oops', 'body', 'gemini')).message).toBe(
      'Gemini sent a response body that is not a valid GenerateContentResponse: {oops',
    );
  });
});
