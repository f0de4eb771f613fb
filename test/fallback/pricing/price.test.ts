import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, test } from 'vitest';
import { emptyUsage } from '../../../src/core/usage.ts';
import { priceOf, withCost } from '../../../src/fallback/pricing/price.ts';

const usage = { ...emptyUsage(), inputTokens: 1000, outputTokens: 100 };

describe('priceOf', () => {
  test('prices a known model from the bundled table', () => {
    // gpt-4o: $2.5 per million input tokens, $10 per million output tokens.
    expect(priceOf('openai', 'gpt-4o', usage)).toBeCloseTo(0.0035, 10);
  });

  test('maps our provider names to the table ids', () => {
    expect(priceOf('google-gla', 'gemini-2.5-pro', usage)).toBeGreaterThan(0);
  });

  test('unknown model or provider is undefined, never a guess', () => {
    expect(priceOf('openai', 'no-such-model-xyz', usage)).toBeUndefined();
    expect(priceOf('function', 'gpt-4o', usage)).toBeUndefined();
  });

  test('withCost keeps a cost already known and never changes its input', () => {
    expect(withCost('openai', 'gpt-4o', { ...usage, cost: 1 }).cost).toBe(1);
    const priced = withCost('openai', 'gpt-4o', usage);
    expect(priced.cost).toBeCloseTo(0.0035, 10);
    expect(usage).not.toHaveProperty('cost');
  });

  test('the fast path for flat prices agrees with calcPrice', () => {
    const cases: Array<[string, string, number, number, number, number]> = [
      ['openai', 'gpt-4o', 1000, 100, 0, 0],
      ['openai', 'gpt-4o', 5000, 700, 3000, 0],
      ['openai', 'gpt-4o-mini', 12345, 678, 0, 0],
      ['anthropic', 'claude-sonnet-4-5', 4740, 255, 0, 4735], // tiered: calcPrice's path
      ['openai', 'gpt-4.1', 1, 1, 1, 0],
    ];
    for (const [provider, model, input, output, read, write] of cases) {
      const expected = calcPrice(
        { input_tokens: input, output_tokens: output, cache_read_tokens: read, cache_write_tokens: write },
        model,
        { providerId: provider },
      )?.total_price;
      expect(expected).toBeDefined();
      const ours = priceOf(provider, model, {
        inputTokens: input,
        outputTokens: output,
        cacheReadTokens: read,
        cacheWriteTokens: write,
        details: {},
      });
      expect(ours).toBeCloseTo(expected!, 12);
    }
  });
});
