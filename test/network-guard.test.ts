import { expect, test } from 'vitest';
import { ModelAPIError } from '../src/core/errors/index.ts';
import { postJson } from '../src/transport/client.ts';

test('a request to a non-loopback host is refused by the guard', async () => {
  const error = await postJson({
    url: 'https://api.openai.com/v1/chat/completions',
    headers: {},
    body: '{}',
    modelName: 'm',
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModelAPIError);
  expect(String((error as Error).message)).toContain('Unplanned network request to api.openai.com');
  // The guard would fail this test in afterEach; take the record back since this test provoked it on purpose.
  const { violationsForTest } = await import('./support/network-guard.ts');
  expect(violationsForTest.splice(0)).toHaveLength(1);
});
