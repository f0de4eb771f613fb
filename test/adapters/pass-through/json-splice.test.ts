import { describe, expect, test } from 'vitest';
import {
  deleteTopLevelKey,
  findTopLevelValue,
  setTopLevelValue,
} from '../../../src/adapters/pass-through/json-splice.ts';

describe('findTopLevelValue', () => {
  test('finds the top-level key, never one nested in an object, an array or a string', () => {
    const text =
      '{"messages":[{"model":"inner","text":"\\"model\\":1"}],"meta":{"model":2}, "model" : "outer" }';
    const span = findTopLevelValue(text, 'model')!;
    expect(text.slice(span[0], span[1])).toBe('"outer"');
  });

  test('spans objects, arrays, numbers and literals; escaped quotes and backslashes end strings right', () => {
    const text = '{"a":"x\\\\","b":{"c":"}"},"d":[1,[2]],"e":-1.5e3,"f":null}';
    const value = (key: string) => {
      const span = findTopLevelValue(text, key)!;
      return text.slice(span[0], span[1]);
    };
    expect([value('a'), value('b'), value('d'), value('e'), value('f')]).toEqual([
      '"x\\\\"',
      '{"c":"}"}',
      '[1,[2]]',
      '-1.5e3',
      'null',
    ]);
    expect(findTopLevelValue(text, 'c')).toBeUndefined();
  });
});

describe('setTopLevelValue and deleteTopLevelKey', () => {
  test('replace in place, keeping every other byte; add first when absent', () => {
    expect(setTopLevelValue('{ "model": "a",\n "max_tokens": 5 }', 'model', 'claude-opus-4-1')).toBe(
      '{ "model": "claude-opus-4-1",\n "max_tokens": 5 }',
    );
    expect(setTopLevelValue('{"stream":true}', 'stream_options', { include_usage: true })).toBe(
      '{"stream_options":{"include_usage":true},"stream":true}',
    );
    expect(setTopLevelValue('{ }', 'model', 'm')).toBe('{"model":"m" }');
  });

  test('delete takes the key with its comma, whether it is first, in the middle or last', () => {
    expect(deleteTopLevelKey('{"models":["b"],"model":"a"}', 'models')).toBe('{"model":"a"}');
    expect(deleteTopLevelKey('{"model":"a", "models":["b"], "stream":true}', 'models')).toBe(
      '{"model":"a", "stream":true}',
    );
    expect(deleteTopLevelKey('{"model":"a" , "models":["b"]}', 'models')).toBe('{"model":"a" }');
    expect(deleteTopLevelKey('{"model":"a"}', 'models')).toBe('{"model":"a"}');
    for (const text of ['{"models":[1],"model":"a"}', '{"model":"a", "models":[1], "x":{"models":2}}']) {
      expect(JSON.parse(deleteTopLevelKey(text, 'models'))).toEqual(
        Object.fromEntries(Object.entries(JSON.parse(text) as object).filter(([k]) => k !== 'models')),
      );
    }
  });
});
