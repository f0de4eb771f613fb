import { expect, test } from 'vitest';
import { mergeSettings } from '../../src/settings.ts';

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
