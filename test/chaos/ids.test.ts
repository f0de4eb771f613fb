import { expect, it } from 'vitest';
import { makeId } from '../../src/chaos/protocols/protocol.ts';

it('gives every answer an id of its own, of the same length, across the counter growing a digit', () => {
  const ids = Array.from({ length: 50_000 }, () => makeId('chatcmpl-', 29));
  expect(new Set(ids).size).toBe(ids.length);
  expect(new Set(ids.map((id) => id.length))).toEqual(new Set([38]));
});
