import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/core/errors/index.ts';
import { addUsage, normalizeUsage } from '../../src/core/usage.ts';

describe('normalizeUsage', () => {
  test('fills every count left out with 0 and keeps the ones given', () => {
    expect(normalizeUsage({ inputTokens: 10, outputTokens: 5 }, 'test')).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      details: {},
    });
    expect(
      normalizeUsage({ cacheReadTokens: 3, details: { reasoning_tokens: 2 }, cost: 0.5 }, 'test'),
    ).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 3,
      cacheWriteTokens: 0,
      details: { reasoning_tokens: 2 },
      cost: 0.5,
    });
  });

  test('an absent usage is empty, a null count (as JSON writes it) is 0 and a null counter is left out', () => {
    expect(normalizeUsage(undefined, 'test')).toEqual(normalizeUsage({}, 'test'));
    expect(normalizeUsage(null, 'test').details).toEqual({});
    const usage = normalizeUsage({ inputTokens: null, details: { a: null, b: undefined, c: 1 } }, 'test');
    expect(usage.inputTokens).toBe(0);
    expect(usage.details).toEqual({ c: 1 });
    expect('cost' in usage).toBe(false);
  });

  test('returns a copy: changing the caller’s object later changes nothing', () => {
    const given = { inputTokens: 1, details: { x: 1 } };
    const usage = normalizeUsage(given, 'test');
    given.details.x = 99;
    expect(usage.details.x).toBe(1);
  });

  test.each([
    [{ inputTokens: 'ten' }, 'inputTokens must be a whole number, 0 or more; got "ten" (a string)'],
    [{ outputTokens: -1 }, 'outputTokens must be a whole number, 0 or more; got -1 (a number)'],
    [{ cacheReadTokens: Number.NaN }, 'cacheReadTokens must be a whole number, 0 or more; got NaN'],
    [{ cacheWriteTokens: 1.5 }, 'cacheWriteTokens must be a whole number'],
    [{ outputTokens: Number.POSITIVE_INFINITY }, 'outputTokens must be a whole number'],
    [{ details: { reasoning_tokens: '3' } }, 'details.reasoning_tokens must be a whole number'],
    [{ details: [1, 2] }, 'details must be an object of counts'],
    [{ cost: -0.1 }, 'cost must be a finite number, 0 or more; got -0.1'],
    [10, 'usage must be an object like { inputTokens: 10, outputTokens: 5 }; got 10 (a number)'],
  ])('rejects %j with a UserError naming the field', (value, message) => {
    const attempt = () => normalizeUsage(value, 'FunctionModel f');
    expect(attempt).toThrow(UserError);
    expect(attempt).toThrow(`FunctionModel f usage`);
    expect(attempt).toThrow(message);
  });

  test('normalized usages add up field by field', () => {
    const a = normalizeUsage({ inputTokens: 1, details: { r: 1 } }, 'a');
    const b = normalizeUsage({ outputTokens: 2, details: { r: 2, s: 1 }, cost: 1 }, 'b');
    expect(addUsage(a, b)).toEqual({
      inputTokens: 1,
      outputTokens: 2,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      details: { r: 3, s: 1 },
      cost: 1,
    });
  });
});
