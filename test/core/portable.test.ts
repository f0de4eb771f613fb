import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  base64ToBytes,
  bytesToBase64,
  randomHex,
  randomId,
  sha256Hex,
  utf8ToBase64,
} from '../../src/core/portable.ts';

// Node's own Buffer and node:crypto are the reference the web-API versions must match byte for byte.
test('base64 of any bytes is what Buffer writes, and reads back to the same bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2_000 }), (bytes) => {
      const base64 = bytesToBase64(bytes);
      expect(base64).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64ToBytes(base64)).toEqual(bytes);
    }),
  );
});

test('an image-sized input (3 MB) is encoded whole, past String.fromCharCode argument limits', () => {
  const bytes = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 31) % 256);
  expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
});

test('UTF-8 text to base64, and SHA-256 hex, as node:crypto and Buffer give them', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
      expect(utf8ToBase64(text)).toBe(Buffer.from(text, 'utf8').toString('base64'));
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
    }),
  );
});

test('invalid base64 is refused, not decoded into garbage', () => {
  expect(() => base64ToBytes('not base64!')).toThrow();
});

test('random ids have the expected form', () => {
  expect(randomHex(12)).toMatch(/^[0-9a-f]{24}$/);
  expect(randomId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
