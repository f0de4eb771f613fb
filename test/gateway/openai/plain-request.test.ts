import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isPlainChatRequest } from '../../../src/gateway/openai/plain-request.ts';
import { parseChatCompletionsRequest } from '../../../src/gateway/openai/request.ts';
import { chatCompletionsRequestSchema } from '../../../src/gateway/openai/request-schema.ts';

// Any value a client might send in any field; each field's schema accepts some and refuses others.
const anyLeaf = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 3 }),
  fc.constant(''),
  fc.constant('x'.repeat(257)),
  fc.constant('gpt\r\n4o\u0000'),
  fc.integer({ min: -2, max: 3 }),
  fc.constant(0.5),
  fc.constant(2.5),
  fc.constant(2 ** 60),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
);
const slot = (good: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: anyLeaf });

const text = fc.string({ maxLength: 6 });
// Mostly absent: a field the plain check leaves to the schema sends the request there.
const rare = (value: unknown) =>
  fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(value) });
const message = slot(
  fc.record(
    {
      role: slot(fc.constantFrom('system', 'developer', 'user', 'user', 'assistant', 'tool')),
      content: slot(
        fc.oneof(
          { weight: 6, arbitrary: text },
          fc.constant(null),
          fc.constant([{ type: 'text', text: 'hi' }]),
        ),
      ),
      tool_calls: rare([{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }]),
      tool_call_id: rare('c1'),
      reasoning: slot(fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, text)),
      reasoning_details: slot(
        fc.oneof(
          { weight: 3, arbitrary: fc.constant(undefined) },
          fc.array(
            slot(
              fc.record(
                {
                  type: slot(fc.constantFrom('reasoning.text', 'reasoning.encrypted', 'reasoning.summary')),
                  text: slot(text),
                  summary: slot(text),
                  data: slot(text),
                  signature: slot(text),
                  id: slot(text),
                  format: slot(fc.constantFrom('anthropic-claude-v1', 'unknown')),
                  index: slot(fc.integer({ min: 0, max: 3 })),
                },
                { requiredKeys: ['type'] },
              ),
            ),
            { maxLength: 2 },
          ),
        ),
      ),
      name: anyLeaf,
    },
    { requiredKeys: ['role', 'content'] },
  ),
);
const body = slot(
  fc.record(
    {
      model: slot(fc.string({ minLength: 1, maxLength: 8 })),
      models: slot(fc.array(slot(fc.string({ minLength: 1, maxLength: 8 })), { maxLength: 3 })),
      messages: slot(fc.array(message, { minLength: 1, maxLength: 3 })),
      stream: slot(fc.boolean()),
      stream_options: slot(fc.record({ include_usage: slot(fc.boolean()) }, { requiredKeys: [] })),
      max_tokens: slot(fc.integer({ min: 1, max: 4096 })),
      max_completion_tokens: slot(fc.integer({ min: 1, max: 4096 })),
      temperature: slot(fc.double({ min: 0, max: 2, noNaN: true })),
      top_p: slot(fc.double({ min: 0, max: 1, noNaN: true })),
      seed: slot(fc.integer()),
      n: slot(fc.constant(1)),
      stop: rare('\n'),
      tools: rare([]),
      unknown_field: anyLeaf,
    },
    { requiredKeys: ['model', 'messages'] },
  ),
);

describe('isPlainChatRequest agrees with the request schema', () => {
  test('whatever it accepts, the schema accepts, and the call read from it is the same', () => {
    let accepted = 0;
    fc.assert(
      fc.property(body, (value) => {
        if (!isPlainChatRequest(value)) return;
        accepted++;
        const parsed = chatCompletionsRequestSchema.safeParse(value);
        expect(parsed.success).toBe(true);
        // The schema's copy (unknown fields dropped) read the same way gives the same call.
        expect(parseChatCompletionsRequest(value)).toEqual(parseChatCompletionsRequest(parsed.data));
      }),
      { numRuns: 5000 },
    );
    // The property says something only if the generator reaches the fast path often.
    expect(accepted).toBeGreaterThan(200);
  });

  test('it accepts the plain requests that make most traffic', () => {
    expect(
      isPlainChatRequest({
        model: 'openai:gpt-4o',
        models: ['anthropic:claude-sonnet-4-5'],
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi', name: 'ann' },
          { role: 'assistant', content: null },
        ],
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 50,
        temperature: 0,
        user: 'someone',
      }),
    ).toBe(true);
  });

  test('it leaves tools, content parts and out-of-range values to the schema', () => {
    const plain = { model: 'm', messages: [{ role: 'user', content: 'Hi' }] };
    expect(isPlainChatRequest(plain)).toBe(true);
    expect(isPlainChatRequest({ ...plain, tools: [] })).toBe(false);
    expect(
      isPlainChatRequest({ ...plain, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }),
    ).toBe(false);
    expect(isPlainChatRequest({ ...plain, temperature: 2.5 })).toBe(false);
    expect(isPlainChatRequest({ ...plain, max_tokens: 0 })).toBe(false);
    expect(isPlainChatRequest({ ...plain, messages: [] })).toBe(false);
    expect(isPlainChatRequest({ ...plain, model: '' })).toBe(false);
    expect(isPlainChatRequest({ ...plain, model: 'm\n' })).toBe(false);
    expect(isPlainChatRequest({ ...plain, models: ['ok', 'm\u007f'] })).toBe(false);
  });

  test('a bad request still gets the schema-worded 400', () => {
    expect(() =>
      parseChatCompletionsRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], top_p: 3 }),
    ).toThrow(/top_p/);
  });
});
