/**
 * Model-name patterns for routes (`match: ['claude-*']`) and routing rules (`model: 'claude-*haiku*'`):
 * a glob where `*` stands for any run of characters (none included) and every other character for
 * itself, matched against the whole requested id, case-sensitively — as the ids agents send are spelled
 * by their providers (`claude-sonnet-4-5-20250929`, `gpt-5-codex`). Only `*` is special, so a pattern
 * reads the same in YAML, in a header and in a log line; a pattern is compiled once, at config load.
 *
 * @example
 * compileModelPattern('claude-*haiku*').test('claude-haiku-4-5') // true
 * compileModelPattern('gpt-5*').test('openai:gpt-5') // false: the whole id must match
 */
import { z } from 'zod';
import { hasControlCharacter } from './safe-name.ts';

// Characters the ids of every provider table use; anything else in a pattern is a typo or a regex habit.
const PATTERN_CHARACTERS = /^[A-Za-z0-9._:/@+*-]+$/;

/** The regular expression a glob stands for: `*` is `.*`, every other character is literal. */
export function compileModelPattern(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((literal) => literal.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

/** A pattern as the config writes it, refused at load with what is allowed when it cannot be one. */
export const modelPattern = z
  .string()
  .min(1, 'a model pattern must not be empty')
  .refine(
    (pattern) => !hasControlCharacter(pattern) && PATTERN_CHARACTERS.test(pattern),
    "a model pattern is a model id where '*' stands for any characters, e.g. 'claude-*' " +
      '(letters, digits and . _ : / @ + - only; no regular expressions)',
  );
