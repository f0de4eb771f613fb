import { describe, expect, test } from 'vitest';
import {
  errorField,
  errorObjectError,
  jsonInsteadOfStream,
  malformedAnswerError,
  truncatedStreamError,
} from '../../src/adapters/in-band-errors.ts';
import { ModelAPIError, UnexpectedModelBehavior } from '../../src/core/errors/index.ts';

describe('in-band errors', () => {
  test('an error object: message, label and kind from type/code, or from an HTTP-range numeric code', () => {
    const typed = errorObjectError(
      { message: 'You exceeded your quota', type: 'insufficient_quota', code: 'insufficient_quota' },
      'gpt-5',
    );
    expect(typed).toBeInstanceOf(ModelAPIError);
    expect(typed.message).toBe(
      'gpt-5: provider reported an error: You exceeded your quota (insufficient_quota, insufficient_quota)',
    );
    const numeric = errorObjectError({ code: 429, message: 'Rate limited upstream' }, 'router-model');
    expect([numeric.kind, numeric.message]).toEqual([
      'rate_limit',
      'router-model: provider reported an error: Rate limited upstream (429)',
    ]);
    expect(numeric.cause).toEqual({ code: 429, message: 'Rate limited upstream' });
  });

  test('a malformed frame is a stream_error, a malformed body a server error, both keeping the text', () => {
    const words = { frame: 'stream event', body: 'a Responses API response' };
    const frame = malformedAnswerError(
      { kind: 'malformed', where: 'stream', text: '{"type":' },
      'gpt-5',
      words,
    );
    expect(frame).toBeInstanceOf(UnexpectedModelBehavior);
    expect([frame.kind, frame.message, frame.body]).toEqual([
      'stream_error',
      'gpt-5: malformed stream event: {"type":',
      '{"type":',
    ]);
    const long = 'x'.repeat(300);
    const body = malformedAnswerError({ kind: 'malformed', where: 'body', text: long }, 'gpt-5', words);
    expect([body.kind, body.message, body.body]).toEqual([
      'server',
      `gpt-5: response body is not a Responses API response: ${'x'.repeat(200)}`,
      long,
    ]);
  });

  test('a stream cut before its end marker', () => {
    const error = truncatedStreamError('nova-pro', 'messageStop');
    expect(error).not.toBeInstanceOf(UnexpectedModelBehavior);
    expect([error.kind, error.message]).toEqual([
      'stream_error',
      'nova-pro: stream ended before messageStop',
    ]);
  });

  test('a JSON body where a stream was asked for: its error object, else a malformed stream', () => {
    expect(jsonInsteadOfStream('{"error":{"message":"Overloaded"}}')).toEqual({
      kind: 'error-object',
      error: { message: 'Overloaded' },
    });
    expect(jsonInsteadOfStream('{"error":null,"id":"x"}')).toEqual({
      kind: 'malformed',
      where: 'stream',
      text: '{"error":null,"id":"x"}',
    });
    const notJson = jsonInsteadOfStream('<html>');
    expect(notJson).toMatchObject({ kind: 'malformed', where: 'stream', text: '<html>' });
    expect(notJson.kind === 'malformed' && notJson.cause).toBeInstanceOf(SyntaxError);
  });

  test('errorField: only a non-null error member of an object counts', () => {
    expect(errorField({ error: { code: 'x' } })).toEqual({ code: 'x' });
    expect([errorField({ error: null }), errorField([{ error: 1 }]), errorField('error')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
