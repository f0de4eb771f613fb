import { expect, test } from 'vitest';
import { UserError } from '../../../src/core/errors/index.ts';
import { type ModelMessage, userPrompt } from '../../../src/core/messages.ts';
import { type ModelSettings, mergeSettings } from '../../../src/core/settings.ts';
import { FallbackModel } from '../../../src/fallback/fallback-model.ts';
import { FunctionModel } from '../../../src/testing/function.ts';

test('later layers win key by key; extraHeaders merge header by header; inputs unchanged', () => {
  const model = { temperature: 0.2, maxTokens: 100, extraHeaders: { 'x-team': 'a', 'x-trace': 'm' } };
  const call = { maxTokens: 50, extraHeaders: { 'x-trace': 'c' } };
  const merged = mergeSettings(model, undefined, call);
  expect(merged).toEqual({
    temperature: 0.2,
    maxTokens: 50,
    extraHeaders: { 'x-team': 'a', 'x-trace': 'c' },
  });
  expect(model.extraHeaders).toEqual({ 'x-team': 'a', 'x-trace': 'm' });
  expect(call).toEqual({ maxTokens: 50, extraHeaders: { 'x-trace': 'c' } });
  expect(merged.extraHeaders).not.toBe(model.extraHeaders);
});

test.each([
  [{ timeout: '5s' }, '`timeout` must be a number of milliseconds, 0 or more; got "5s" (a string)'],
  [{ maxTokens: 1.5 }, '`maxTokens` must be a whole number above 0; got 1.5 (a number)'],
  [{ maxTokens: 0 }, '`maxTokens` must be a whole number above 0'],
  [{ temperature: Number.NaN }, '`temperature` must be a finite number; got NaN'],
  [{ seed: 1.2 }, '`seed` must be a whole number'],
  [
    { thinking: 'max' },
    '`thinking` must be true, false or one of minimal, low, medium, high, xhigh; got "max"',
  ],
  [{ stopSequences: 'END' }, '`stopSequences` must be an array of strings'],
  [{ extraHeaders: { 'x-n': 1 } }, '`extraHeaders` must be an object of header names to strings'],
  [{ logitBias: { '50256': 'never' } }, '`logitBias` must be an object of token ids to numbers'],
  [{ extraBody: [1] }, '`extraBody` must be an object'],
  [{ signal: 5_000 }, '`signal` must be an AbortSignal'],
  [{ parallelToolCalls: 'no' }, '`parallelToolCalls` must be true or false'],
])('a hand-written %j is a UserError naming the setting', (bad, message) => {
  expect(() => mergeSettings({ temperature: 0 }, bad as ModelSettings)).toThrow(UserError);
  expect(() => mergeSettings(bad as ModelSettings)).toThrow(message);
});

test('valid values, undefined and unknown keys pass', () => {
  const settings = {
    maxTokens: 10,
    temperature: 0,
    timeout: Number.POSITIVE_INFINITY,
    thinking: 'high',
    signal: new AbortController().signal,
    topP: undefined,
    somethingElse: 'kept',
  } as ModelSettings;
  expect(mergeSettings(settings)).toMatchObject({ maxTokens: 10, thinking: 'high', somethingElse: 'kept' });
});

test('a bad setting fails the call before any model is tried, through FallbackModel and a model alike', async () => {
  let calls = 0;
  const model = new FunctionModel(() => {
    calls++;
    return { parts: [{ partKind: 'text', content: 'hi' }] };
  });
  const fallback = new FallbackModel(model, new FunctionModel(() => ({ parts: [] })));
  const messages: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('Hi')] }];
  await expect(fallback.request(messages, { timeout: '5s' } as unknown as ModelSettings)).rejects.toThrow(
    '`timeout` must be a number of milliseconds',
  );
  await expect(model.requestStream(messages, { maxTokens: -1 })).rejects.toThrow(UserError);
  expect(calls).toBe(0);
});
