import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { exceedsDepth } from '../../../src/gateway/server/read-body.ts';

/** The definition, character by character: what exceedsDepth must agree with on any text. */
function deeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 92) i++;
      else if (code === 34) inString = false;
    } else if (code === 34) inString = true;
    else if (code === 123 || code === 91) {
      if (++depth > maxDepth) return true;
    } else if (code === 125 || code === 93) depth--;
  }
  return false;
}

describe('exceedsDepth', () => {
  test('brackets inside strings, escaped quotes and runs of backslashes do not count', () => {
    expect(exceedsDepth('{"a":"[[[[[[","b":"\\\\"}', 2)).toBe(false);
    expect(exceedsDepth('{"a":"\\"[[[["}', 1)).toBe(false);
    expect(exceedsDepth('{"a":"x\\\\\\\\"}', 1)).toBe(false);
    expect(exceedsDepth('{"a":"\\\\",[[["b"]]]}', 3)).toBe(true);
    expect(exceedsDepth('[[[', 2)).toBe(true);
    expect(exceedsDepth('{"open [[', 1)).toBe(false);
  });

  test('agrees with the character-by-character definition on any JSON and any text of its characters', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'large' }), fc.integer({ min: 0, max: 12 }), (json, max) => {
        expect(exceedsDepth(json, max)).toBe(deeperThan(json, max));
      }),
    );
    const piece = fc.constantFrom('"', '\\', '{', '}', '[', ']', 'a', ',', ':', ' ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 0, max: 6 }), (chars, max) => {
        const text = chars.join('');
        expect(exceedsDepth(text, max)).toBe(deeperThan(text, max));
      }),
      { numRuns: 2000 },
    );
  });
});
