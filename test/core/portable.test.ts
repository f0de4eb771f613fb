import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { expect, test, vi } from 'vitest';
import {
  base64ToBytes,
  bytesToBase64,
  processEnv,
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

test('under Deno without --allow-env a variable reads as unset, where reading it would throw', () => {
  const real = process.env;
  const denied = () => {
    throw new Error(
      'NotCapable: Requires env access to "OPENAI_API_KEY", run again with the --allow-env flag',
    );
  };
  vi.stubGlobal('Deno', {});
  process.env = new Proxy({}, { get: denied, getOwnPropertyDescriptor: denied, has: denied });
  try {
    expect(() => process.env.OPENAI_API_KEY).toThrow('NotCapable');
    expect(processEnv().OPENAI_API_KEY).toBeUndefined();
  } finally {
    process.env = real;
    vi.unstubAllGlobals();
  }
});
