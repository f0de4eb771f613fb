import { describe, expect, it } from 'vitest';
import { compileModelPattern, modelPattern } from '../../../src/gateway/config/model-pattern.ts';

describe('compileModelPattern', () => {
  it('matches the whole id, with * as any run of characters (none included)', () => {
    const pattern = compileModelPattern('claude-*haiku*');
    expect(pattern.test('claude-haiku-4-5')).toBe(true);
    expect(pattern.test('claude-3-5-haiku-20241022')).toBe(true);
    expect(pattern.test('anthropic:claude-haiku-4-5')).toBe(false);
    expect(compileModelPattern('gpt-5*').test('gpt-5')).toBe(true);
  });

  it('is case-sensitive and takes every other character literally', () => {
    expect(compileModelPattern('claude-*').test('Claude-sonnet')).toBe(false);
    expect(compileModelPattern('gpt-4.1').test('gpt-4x1')).toBe(false);
    expect(compileModelPattern('a+b').test('aab')).toBe(false);
    expect(compileModelPattern('a+b').test('a+b')).toBe(true);
  });
});

describe('modelPattern', () => {
  it('refuses regular-expression syntax, control characters and the empty pattern', () => {
    for (const bad of ['claude-.*$', '(gpt|o)-*', 'a?b', 'claude\n*', '']) {
      expect(modelPattern.safeParse(bad).success).toBe(false);
    }
    expect(modelPattern.safeParse('*').success).toBe(true);
  });
});
