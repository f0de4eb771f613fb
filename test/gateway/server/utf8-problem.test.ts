import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUtf8Problem } from '../../../src/gateway/server/utf8-problem.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);
const prefixed = (...values: number[]) => Buffer.concat([Buffer.from('{"a":"'), bytes(...values)]);

describe('findUtf8Problem', () => {
  it.each([
    ['an invalid byte', prefixed(0xff), 6, 0xff, 'a byte that never appears in UTF-8'],
    ['an overlong slash', prefixed(0xc0, 0xaf), 6, 0xc0, 'an overlong encoding'],
    ['an overlong three-byte form', prefixed(0xe0, 0x80, 0xaf), 6, 0xe0, 'an overlong encoding'],
    [
      'an encoded lone surrogate',
      prefixed(0xed, 0xa0, 0x80),
      6,
      0xed,
      'an encoded surrogate (U+D800 to U+DFFF)',
    ],
    ['a code point past U+10FFFF', prefixed(0xf4, 0x90, 0x80, 0x80), 6, 0xf4, 'a code point beyond U+10FFFF'],
    ['a truncated sequence at the end', prefixed(0xe2, 0x82), 6, 0xe2, 'a truncated sequence at the end'],
    ['a truncated sequence mid-body', prefixed(0xe2, 0x82, 0x22), 6, 0xe2, 'a truncated sequence'],
    ['a stray continuation byte', prefixed(0x41, 0x80), 7, 0x80, 'a continuation byte with no lead byte'],
  ])('%s', (_name, input, offset, byte, reason) => {
    expect(findUtf8Problem(input)).toEqual({ offset, byte, reason });
  });

  it('passes every well-formed sequence, from one byte to four', () => {
    expect(findUtf8Problem(Buffer.from('{"a":"é € 𝄞 \u{10ffff}"}'))).toBeUndefined();
  });

  // Node's native check (simdutf) is the reference: the same verdict on any bytes, and when there is a
  // problem, everything before its offset is valid UTF-8 while the bytes from it on are not.
  it('agrees with node:buffer isUtf8 and a fatal TextDecoder on random bytes', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const anyBytes = fc.oneof(
      fc.uint8Array({ maxLength: 12 }),
      fc
        .array(fc.constantFrom(0x41, 0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xa0, 0x90, 0x8f), {
          maxLength: 12,
        })
        .map((values) => Uint8Array.from(values)),
    );
    fc.assert(
      fc.property(anyBytes, (input) => {
        const problem = findUtf8Problem(input);
        expect(problem === undefined).toBe(isUtf8(input));
        let decodes = true;
        try {
          decoder.decode(input);
        } catch {
          decodes = false;
        }
        expect(problem === undefined).toBe(decodes);
        if (problem) {
          expect(isUtf8(input.subarray(0, problem.offset))).toBe(true);
          expect(input[problem.offset]).toBe(problem.byte);
        }
      }),
      { numRuns: 5000, seed: 7 },
    );
  });
});
