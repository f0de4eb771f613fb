import { describe, expect, test } from 'vitest';
import {
  kindOfHttpFailure,
  kindOfStreamError,
  ModelAPIError,
  ModelHTTPError,
  parseGoDuration,
  retryAfterMs,
  UnexpectedModelBehavior,
  UserError,
} from '../../../src/core/errors/index.ts';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');
  test('retry-after-ms wins, then retry-after seconds or HTTP date', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' }, now)).toBe(250);
    expect(retryAfterMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(retryAfterMs({ 'retry-after': '0.5' }, now)).toBe(500);
    expect(retryAfterMs({ 'retry-after': 'Sun, 22 Nov 2026 10:00:30 GMT' }, now)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': 'Sun, 22 Nov 2026 09:00:00 GMT' }, now)).toBe(0);
  });
  test("Anthropic's reset times and OpenAI's reset durations: the longest wins", () => {
    expect(
      retryAfterMs(
        {
          'anthropic-ratelimit-requests-reset': '2026-11-22T10:00:05Z',
          'anthropic-ratelimit-tokens-reset': '2026-11-22T10:00:12Z',
        },
        now,
      ),
    ).toBe(12_000);
    expect(
      retryAfterMs({ 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' }, now),
    ).toBe(360_000);
  });
  test('no header → undefined; garbage → undefined', () => {
    expect(retryAfterMs({}, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
  });
  test('Go-style durations', () => {
    expect(parseGoDuration('20ms')).toBe(20);
    expect(parseGoDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseGoDuration('7')).toBe(7000);
    expect(parseGoDuration('7x')).toBeUndefined();
  });
});

describe('kindOfHttpFailure from real provider bodies', () => {
  test.each([
    [
      429,
      '{"error":{"message":"Rate limit reached for gpt-4o","type":"requests","code":"rate_limit_exceeded"}}',
      'rate_limit',
    ],
    [
      400,
      `{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}`,
      'context_length',
    ],
    [
      400,
      '{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 208310 tokens > 200000 maximum"}}',
      'context_length',
    ],
    [
      400,
      '{"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}',
      'context_length',
    ],
    [
      400,
      '{"error":{"message":"Your request was rejected as a result of our safety system.","type":"invalid_request_error","code":"content_policy_violation"}}',
      'content_filter',
    ],
    [529, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', 'overloaded'],
    [
      503,
      '{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}',
      'overloaded',
    ],
    [500, '{"type":"error","error":{"type":"api_error","message":"Internal server error"}}', 'server'],
    [502, 'Bad Gateway', 'server'],
    [
      401,
      '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}',
      'auth',
    ],
    [
      403,
      '{"type":"error","error":{"type":"permission_error","message":"Your API key does not have permission"}}',
      'auth',
    ],
    [402, '{"error":{"message":"Insufficient credits","code":402}}', 'auth'],
    [
      429,
      '{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","code":"insufficient_quota"}}',
      'auth',
    ],
    [
      404,
      '{"error":{"message":"The model `gpt-9` does not exist","type":"invalid_request_error","code":"model_not_found"}}',
      'not_found',
    ],
    [
      400,
      '{"error":{"message":"Invalid value for temperature","type":"invalid_request_error"}}',
      'bad_request',
    ],
  ])('%i %s → %s', (status, body, kind) => {
    expect(kindOfHttpFailure(status, body)).toBe(kind);
  });

  test('stream error frames', () => {
    expect(kindOfStreamError('overloaded_error', 'Overloaded')).toBe('overloaded');
    expect(kindOfStreamError('rate_limit_error', 'slow down')).toBe('rate_limit');
    expect(kindOfStreamError('api_error', 'Internal server error')).toBe('server');
    expect(kindOfStreamError('', 'something odd')).toBe('stream_error');
  });
});

describe('error classes', () => {
  test('ModelHTTPError lower-cases headers, classifies, and reads Retry-After', () => {
    const error = new ModelHTTPError(
      429,
      'gpt-4o',
      { error: { message: 'slow down' } },
      { 'Retry-After': '3' },
    );
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error.kind).toBe('rate_limit');
    expect(error.headers).toEqual({ 'retry-after': '3' });
    expect(error.retryAfterMs).toBe(3000);
    expect(error.message).toBe(
      'status_code: 429, model_name: gpt-4o, body: {"error":{"message":"slow down"}}',
    );
  });
  test('every error carries a kind', () => {
    expect(new UserError('x').kind).toBe('bad_request');
    expect(new ModelAPIError('m', 'refused').kind).toBe('network');
    expect(new UnexpectedModelBehavior('bad json', { body: '{' }).kind).toBe('server');
    expect(new UnexpectedModelBehavior('bad json')).toBeInstanceOf(ModelAPIError);
  });
});
