import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { plainTextDelta } from '../../../src/adapters/openai-chat/plain-text-delta.ts';

const envelope = '"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o"';
const frame = (choice: string, after = '') => `{${envelope},"choices":[${choice}]${after}}`;

describe('plainTextDelta', () => {
  test('reads the text of a plain content delta, as OpenAI and the chaos upstream write it', () => {
    expect(
      plainTextDelta(frame('{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}')),
    ).toBe('Hel');
    expect(
      plainTextDelta(frame('{"index":0,"delta":{"content":"lo"},"finish_reason":null}', ',"usage":null')),
    ).toBe('lo');
    expect(plainTextDelta(frame('{"index":0,"delta":{"content":""},"finish_reason":null}'))).toBe('');
  });

  test('decodes escapes, quotes and backslashes included', () => {
    const text = 'a "quoted" \\ path\nnext \u00e9 \ud83d\ude00';
    const data = frame(`{"index":0,"delta":{"content":${JSON.stringify(text)}},"finish_reason":null}`);
    expect(plainTextDelta(data)).toBe(text);
    expect(
      plainTextDelta(
        frame(`{"index":0,"delta":{"content":${JSON.stringify('ends with \\')}},"finish_reason":null}`),
      ),
    ).toBe('ends with \\');
  });

  test('a broken escape throws, for the reader to report the frame as malformed', () => {
    expect(() =>
      plainTextDelta(frame('{"index":0,"delta":{"content":"bad \\x"},"finish_reason":null}')),
    ).toThrow(SyntaxError);
  });

  test('leaves every other shape to the full parse', () => {
    const others = [
      frame('{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"finish_reason":null}'),
      frame('{"index":0,"delta":{"content":"x","role":"assistant"},"finish_reason":null}'),
      frame('{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}'),
      frame('{"index":0,"delta":{"content":"x"},"logprobs":{"content":[]},"finish_reason":null}'),
      frame(
        '{"index":0,"delta":{"content":"x"},"finish_reason":null},{"index":1,"delta":{"content":"y"},"finish_reason":null}',
      ),
      frame(
        '{"index":0,"delta":{"content":"x"},"finish_reason":null}',
        ',"usage":{"prompt_tokens":1,"completion_tokens":1}',
      ),
      frame(
        '{"index":0,"delta":{"content":"x"},"finish_reason":null}',
        ',"x_groq":{"usage":{"prompt_tokens":1}}',
      ),
      frame('{"index":0,"delta":{"content":"x"},"finish_reason":null}', ',"error":{"message":"overloaded"}'),
      frame('{"index":1,"delta":{"content":"x"},"finish_reason":null}'),
      frame(
        '{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]},"finish_reason":null}',
      ),
      frame('{"index":0,"delta":{"reasoning_content":"hm"},"finish_reason":null}'),
      `${frame('{"index":0,"delta":{"content":"x"},"finish_reason":null}')} trailing`,
      frame('{"index":0,"delta":{"content":"unterminated},"finish_reason":null}'),
    ];
    for (const data of others) expect(plainTextDelta(data), data).toBeUndefined();
  });

  test('never disagrees with JSON.parse: when it answers, the chunk is a plain delta of that text', () => {
    const value = fc.oneof(
      fc.constant(null),
      fc.string({ maxLength: 4 }),
      fc.integer(),
      fc.constant({ a: 1 }),
    );
    const delta = fc.record(
      {
        content: fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null)),
        role: fc.constant('assistant'),
        refusal: value,
      },
      { requiredKeys: [] },
    );
    const choice = fc.record(
      {
        index: fc.constantFrom(0, 1),
        delta,
        logprobs: value,
        finish_reason: fc.oneof(fc.constant(null), fc.constant('stop')),
      },
      { requiredKeys: ['index', 'delta'] },
    );
    const chunk = fc.record(
      {
        id: fc.string({ maxLength: 6 }),
        model: fc.string({ maxLength: 6 }),
        choices: fc.array(choice, { minLength: 0, maxLength: 2 }),
        usage: value,
        error: value,
      },
      { requiredKeys: ['choices'] },
    );
    fc.assert(
      fc.property(chunk, (parsed) => {
        const text = plainTextDelta(JSON.stringify(parsed));
        if (text === undefined) return;
        expect(parsed.choices).toHaveLength(1);
        const only = parsed.choices[0]!;
        expect(only.index).toBe(0);
        expect(Object.keys(only.delta)).toEqual(['content']);
        expect(only.delta.content).toBe(text);
        expect(only.finish_reason ?? null).toBeNull();
        expect(typeof parsed.usage === 'object' && parsed.usage !== null).toBe(false);
        expect(parsed.error).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});
