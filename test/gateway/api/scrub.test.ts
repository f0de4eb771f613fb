import { expect, test } from 'vitest';

test('an upstream key of any shape echoed back by the upstream is masked by value', async () => {
  const { maskSecretValues, scrubSecrets } = await import('../../../src/gateway/errors/scrub.ts');
  const oddKey = 'plain.key.with.dots!and!bangs';
  expect(scrubSecrets(`bad key: ${oddKey}`)).toContain(oddKey);
  maskSecretValues([oddKey, 'short']);
  expect(scrubSecrets(`bad key: ${oddKey}, again ${oddKey}`)).toBe('bad key: [redacted], again [redacted]');
  expect(scrubSecrets('short stays')).toBe('short stays');
});
