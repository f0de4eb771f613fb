import { expect, test } from 'vitest';
import { claudeVersion, thinkingConfig } from '../../../src/adapters/anthropic/thinking-config.ts';

test('the family version is read from current, dated, older-style and Bedrock names, never from a date', () => {
  expect(claudeVersion('claude-opus-4-7')).toEqual([4, 7]);
  expect(claudeVersion('claude-sonnet-4-6-20260217')).toEqual([4, 6]);
  expect(claudeVersion('claude-sonnet-4-5-20250929')).toEqual([4, 5]);
  expect(claudeVersion('claude-opus-4-20250514')).toEqual([4, 0]);
  expect(claudeVersion('claude-3-7-sonnet-20250219')).toEqual([3, 7]);
  expect(claudeVersion('claude-sonnet-5')).toEqual([5, 0]);
  expect(claudeVersion('us.anthropic.claude-opus-4-7-v1:0')).toEqual([4, 7]);
  expect(claudeVersion('my-local-model')).toBeUndefined();
});

test('models before 4.6 (and unnamed ones) get a token budget, as before', () => {
  expect(thinkingConfig('claude-sonnet-4-5', true)).toEqual({ kind: 'budget', budgetTokens: 8192 });
  expect(thinkingConfig('claude-3-7-sonnet-20250219', 'high')).toEqual({
    kind: 'budget',
    budgetTokens: 16384,
  });
  expect(thinkingConfig('my-local-model', 'low')).toEqual({ kind: 'budget', budgetTokens: 2048 });
  expect(thinkingConfig('claude-opus-4-7', false)).toBeUndefined();
  expect(thinkingConfig('claude-opus-4-7', undefined)).toBeUndefined();
});

test('4.6 and later think adaptively: true leaves the effort to the model, a level names it', () => {
  expect(thinkingConfig('claude-opus-4-7', true)).toEqual({ kind: 'adaptive', effort: undefined });
  expect(thinkingConfig('claude-sonnet-4-6', 'minimal')).toEqual({ kind: 'adaptive', effort: 'low' });
  expect(thinkingConfig('claude-sonnet-4-6', 'medium')).toEqual({ kind: 'adaptive', effort: 'medium' });
  // xhigh exists from the 4.7 models on; a 4.6 model gets its highest level short of max.
  expect(thinkingConfig('claude-sonnet-4-6', 'xhigh')).toEqual({ kind: 'adaptive', effort: 'high' });
  expect(thinkingConfig('claude-opus-4-7', 'xhigh')).toEqual({ kind: 'adaptive', effort: 'xhigh' });
  expect(thinkingConfig('claude-sonnet-5', 'high')).toEqual({ kind: 'adaptive', effort: 'high' });
});
