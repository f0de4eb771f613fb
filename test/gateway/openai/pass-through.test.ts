import { describe, expect, test } from 'vitest';
import { openAIChatPassThrough } from '../../../src/gateway/openai/pass-through.ts';

const served = { modelId: 'up:gpt-4o', responseId: 'chatcmpl-1', created: 1 };
const model = (raw: string) =>
  (JSON.parse(openAIChatPassThrough.answer(raw, served)) as { model: unknown }).model;

describe('openAIChatPassThrough.answer', () => {
  test("names who served in the answer's top-level model, every other byte as the upstream wrote it", () => {
    const raw = '{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024-08-06","choices":[]}';
    expect(openAIChatPassThrough.answer(raw, served)).toBe(raw.replace('gpt-4o-2024-08-06', 'up:gpt-4o'));
  });

  test('finds the top-level model wherever it is, not a nested one nor one inside a string', () => {
    const nestedFirst =
      '{"choices":[{"message":{"content":"x","model":"inner"}}],"id":"\\"model\\":\\"no","model":"gpt-4o"}';
    expect(model(nestedFirst)).toBe('up:gpt-4o');
    expect(JSON.parse(openAIChatPassThrough.answer(nestedFirst, served)).choices[0].message.model).toBe(
      'inner',
    );
    expect(model(' \n{"id":"a","model":"gpt-4o"}')).toBe('up:gpt-4o');
    expect(model('{"meta":{"model":"inner"},"model":"gpt-4o"}')).toBe('up:gpt-4o');
    expect(model('{"id":"a","model":"gpt-4o\\"x"}')).toBe('up:gpt-4o');
  });
});
