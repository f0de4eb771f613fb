import { expect, test } from 'vitest';
import { attemptChain } from '../../src/cli/demo/render.ts';
import type { Attempt } from '../../src/core/messages.ts';

const attempt = (modelName: string, outcome: Attempt['outcome'], breakerKey?: string): Attempt => ({
  modelName,
  providerName: 'openai',
  outcome,
  breakerKey,
  startedAt: 0,
  durationMs: 1,
});

test('a retry answered under the dated name the provider gives is still marked a retry', () => {
  const key = 'openai:gpt-4o@http://127.0.0.1:9001/v1';
  const chain = attemptChain([attempt('gpt-4o', 'error', key), attempt('gpt-4o-2024-08-06', 'ok', key)]);
  expect(chain).toContain('(retry)');
});

test('the same name at another upstream is a fallback, not a retry', () => {
  const chain = attemptChain([
    attempt('gpt-4o', 'error', 'openai:gpt-4o@http://127.0.0.1:9001/v1'),
    attempt('gpt-4o', 'ok', 'azure:gpt-4o@http://127.0.0.1:9002/openai'),
  ]);
  expect(chain).not.toContain('(retry)');
});
