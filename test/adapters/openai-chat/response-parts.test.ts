import { describe, expect, test } from 'vitest';
import { inBandError } from '../../../src/adapters/openai-chat/errors.ts';
import { applyDelta, mapUsage, newDeltaState } from '../../../src/adapters/openai-chat/response-parts.ts';
import { ModelAPIError, UnexpectedModelBehavior } from '../../../src/core/errors/index.ts';
import { ResponseBuilder } from '../../../src/core/response-builder.ts';

describe('mapUsage', () => {
  test('OpenAI: cached prompt tokens are cache reads; audio and reasoning counters go to details, zeros dropped', () => {
    expect(
      mapUsage({
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 12 },
        completion_tokens_details: {
          reasoning_tokens: 192,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 3,
        },
      }),
    ).toEqual({
      inputTokens: 2006,
      outputTokens: 300,
      cacheReadTokens: 1920,
      cacheWriteTokens: 0,
      details: { input_audio_tokens: 12, reasoning_tokens: 192, rejected_prediction_tokens: 3 },
    });
  });

  test('DeepSeek: prompt_cache_hit_tokens are cache reads, and both cache counters are kept', () => {
    expect(
      mapUsage({
        prompt_tokens: 100,
        completion_tokens: 20,
        total_tokens: 120,
        prompt_cache_hit_tokens: 64,
        prompt_cache_miss_tokens: 36,
      }),
    ).toEqual({
      inputTokens: 100,
      outputTokens: 20,
      cacheReadTokens: 64,
      cacheWriteTokens: 0,
      details: { prompt_cache_hit_tokens: 64, prompt_cache_miss_tokens: 36 },
    });
  });

  test('OpenRouter: cache_write_tokens are cache writes; its float cost is not a counter', () => {
    expect(
      mapUsage({
        prompt_tokens: 50,
        completion_tokens: 5,
        total_tokens: 55,
        cost: 0.00012,
        prompt_tokens_details: { cached_tokens: 10, cache_write_tokens: 30 },
      }),
    ).toEqual({ inputTokens: 50, outputTokens: 5, cacheReadTokens: 10, cacheWriteTokens: 30, details: {} });
  });
});

test('a whole message: reasoning_content, text and two tool calls become parts in order', () => {
  const builder = new ResponseBuilder('deepseek-reasoner', 'deepseek');
  const events = [
    ...applyDelta(
      builder,
      {
        role: 'assistant',
        reasoning_content: 'Two cities, two calls.',
        content: 'Checking.',
        tool_calls: [
          { id: 'call_0', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      newDeltaState(),
    ),
    ...builder.endAll(),
  ];
  expect(events.map((e) => `${e.kind}:${e.index}`)).toEqual([
    'part-start:0',
    'part-start:1',
    'part-start:2',
    'part-start:3',
    'part-end:0',
    'part-end:1',
    'part-end:2',
    'part-end:3',
  ]);
  expect(builder.snapshot().parts).toEqual([
    { partKind: 'thinking', content: 'Two cities, two calls.', providerName: 'deepseek' },
    { partKind: 'text', content: 'Checking.' },
    { partKind: 'tool-call', toolName: 'weather', args: '{"city":"Paris"}', toolCallId: 'call_0' },
    { partKind: 'tool-call', toolName: 'weather', args: '{"city":"Rome"}', toolCallId: 'call_1' },
  ]);
});

test('a host that repeats the tool name on every fragment does not double it', () => {
  const builder = new ResponseBuilder('m', 'p');
  const state = newDeltaState();
  const fragment = (args: string) => ({
    tool_calls: [{ index: 0, id: 'call_9', function: { name: 'weather', arguments: args } }],
  });
  [...applyDelta(builder, fragment('{"city":'), state), ...applyDelta(builder, fragment('"Oslo"}'), state)];
  expect(builder.snapshot().parts).toEqual([
    { partKind: 'tool-call', toolName: 'weather', args: '{"city":"Oslo"}', toolCallId: 'call_9' },
  ]);
});

describe('inBandError', () => {
  test('error objects: kind from a numeric code, else from type/code/message', () => {
    const numeric = inBandError(
      { kind: 'error-object', error: { code: 503, message: 'No provider available' } },
      'm',
    );
    expect([numeric.kind, numeric.message]).toEqual([
      'overloaded',
      'm: provider reported an error: No provider available (503)',
    ]);
    const typed = inBandError(
      {
        kind: 'error-object',
        error: { message: 'Rate limit reached', type: 'tokens', code: 'rate_limit_exceeded' },
      },
      'm',
    );
    expect(typed.kind).toBe('rate_limit');
    const unknown = inBandError({ kind: 'error-object', error: 'something odd' }, 'm');
    expect([unknown.kind, unknown.message]).toEqual([
      'stream_error',
      'm: provider reported an error: something odd',
    ]);
  });

  test('malformed input is UnexpectedModelBehavior; truncation is a stream_error', () => {
    const body = inBandError({ kind: 'malformed', where: 'body', text: '<html>' }, 'm');
    expect(body).toBeInstanceOf(UnexpectedModelBehavior);
    expect(body.kind).toBe('server');
    const truncated = inBandError({ kind: 'truncated' }, 'm');
    expect(truncated).toBeInstanceOf(ModelAPIError);
    expect(truncated).not.toBeInstanceOf(UnexpectedModelBehavior);
    expect([truncated.kind, truncated.message]).toEqual(['stream_error', 'm: stream ended before [DONE]']);
  });
});
