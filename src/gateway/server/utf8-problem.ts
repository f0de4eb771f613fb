/**
 * Finds where a byte sequence stops being UTF-8, and why, so a 400 can name the byte offset. Only the
 * error path runs it: the hot path asks node's native `isUtf8` first, and only a body that fails that
 * check is walked here. The rules are the Unicode standard's table of well-formed byte sequences
 * (Table 3-7), which is also what `isUtf8` and a fatal TextDecoder hold a body to.
 *
 * @example
 * findUtf8Problem(Buffer.from([0x7b, 0xc0, 0xaf])) // { offset: 1, byte: 0xc0, reason: 'an overlong encoding' }
 */

export interface Utf8Problem {
  /** Offset of the first byte of the ill-formed sequence. */
  offset: number;
  /** The byte at that offset. */
  byte: number;
  reason: string;
}

/** The first ill-formed sequence in `bytes`, or undefined when all of it is UTF-8. */
export function findUtf8Problem(bytes: Uint8Array): Utf8Problem | undefined {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const shape = sequenceShape(lead);
    if (typeof shape === 'string') return { offset: i, byte: lead, reason: shape };
    // The second byte has a narrower range after some leads: that is what rules out overlong forms,
    // surrogates and code points past U+10FFFF.
    for (let k = 1; k < shape.length; k++) {
      const next = bytes[i + k];
      if (next === undefined) return { offset: i, byte: lead, reason: 'a truncated sequence at the end' };
      const low = k === 1 ? shape.secondLow : 0x80;
      const high = k === 1 ? shape.secondHigh : 0xbf;
      if (next < low || next > high) {
        return {
          offset: i,
          byte: lead,
          reason: k === 1 ? secondByteReason(lead, next) : 'a truncated sequence',
        };
      }
    }
    i += shape.length;
  }
  return undefined;
}

interface SequenceShape {
  length: number;
  secondLow: number;
  secondHigh: number;
}

function sequenceShape(lead: number): SequenceShape | string {
  if (lead < 0xc0) return 'a continuation byte with no lead byte';
  if (lead < 0xc2) return 'an overlong encoding';
  if (lead < 0xe0) return { length: 2, secondLow: 0x80, secondHigh: 0xbf };
  if (lead === 0xe0) return { length: 3, secondLow: 0xa0, secondHigh: 0xbf };
  if (lead === 0xed) return { length: 3, secondLow: 0x80, secondHigh: 0x9f };
  if (lead < 0xf0) return { length: 3, secondLow: 0x80, secondHigh: 0xbf };
  if (lead === 0xf0) return { length: 4, secondLow: 0x90, secondHigh: 0xbf };
  if (lead < 0xf4) return { length: 4, secondLow: 0x80, secondHigh: 0xbf };
  if (lead === 0xf4) return { length: 4, secondLow: 0x80, secondHigh: 0x8f };
  return 'a byte that never appears in UTF-8';
}

/** Why a second byte in the continuation range is still wrong after this lead. */
function secondByteReason(lead: number, second: number): string {
  if (second < 0x80 || second > 0xbf) return 'a truncated sequence';
  if (lead === 0xe0 || lead === 0xf0) return 'an overlong encoding';
  if (lead === 0xed) return 'an encoded surrogate (U+D800 to U+DFFF)';
  return 'a code point beyond U+10FFFF';
}
