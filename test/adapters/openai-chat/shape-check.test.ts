import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { chatCompletionChunkSchema, chatCompletionSchema } from '../../../src/adapters/openai-chat/api.ts';
import { isChatCompletion, isChatCompletionChunk } from '../../../src/adapters/openai-chat/shape-check.ts';

// Values a hostile or sloppy host might put in any field: each schema slot accepts some and refuses others.
const anyLeaf = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 3 }),
  fc.integer({ min: -3, max: 3 }),
  fc.constant(1.5),
  fc.constant(2 ** 60),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
);

/** An object with some of `fields` (each drawn from its arbitrary), maybe an unknown extra field. */
function objectOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({ ...fields, extra: anyLeaf }, { requiredKeys: [] });
}

const slot = (good: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: anyLeaf });
const text = slot(fc.string({ maxLength: 5 }));

const toolCall = slot(
  objectOf({
    index: slot(fc.nat(3)),
    id: text,
    type: text,
    function: slot(objectOf({ name: text, arguments: text })),
  }),
);
// Mistral's typed content chunks; any object is a chunk to the schema, junk in the array is not.
const contentChunk = slot(
  objectOf({
    type: text,
    text,
    thinking: slot(fc.array(slot(objectOf({ type: text, text })), { maxLength: 2 })),
  }),
);
const message = slot(
  objectOf({
    role: text,
    content: fc.oneof(text, slot(fc.array(contentChunk, { maxLength: 2 }))),
    refusal: text,
    reasoning_content: text,
    reasoning: text,
    tool_calls: slot(fc.array(toolCall, { maxLength: 2 })),
  }),
);
const usage = slot(
  objectOf({
    prompt_tokens: slot(fc.nat(100)),
    completion_tokens: slot(fc.nat(100)),
    total_tokens: slot(fc.nat(100)),
    prompt_tokens_details: slot(fc.dictionary(fc.string({ maxLength: 3 }), anyLeaf, { maxKeys: 2 })),
    completion_tokens_details: slot(fc.dictionary(fc.string({ maxLength: 3 }), anyLeaf, { maxKeys: 2 })),
  }),
);
const choices = (field: 'message' | 'delta') =>
  slot(
    fc.array(slot(objectOf({ index: slot(fc.nat(2)), [field]: message, finish_reason: text })), {
      maxLength: 2,
    }),
  );

const completion = slot(objectOf({ id: text, model: text, choices: choices('message'), usage }));
const chunk = slot(
  objectOf({
    id: text,
    model: text,
    choices: choices('delta'),
    usage,
    x_groq: slot(objectOf({ usage })),
    error: anyLeaf,
  }),
);

describe('shape checks agree with the zod schemas', () => {
  test('isChatCompletion accepts exactly what chatCompletionSchema accepts', () => {
    fc.assert(
      fc.property(completion, (value) => {
        expect(isChatCompletion(value)).toBe(chatCompletionSchema.safeParse(value).success);
      }),
      { numRuns: 5000 },
    );
  });

  test('isChatCompletionChunk accepts exactly what chatCompletionChunkSchema accepts', () => {
    fc.assert(
      fc.property(chunk, (value) => {
        expect(isChatCompletionChunk(value)).toBe(chatCompletionChunkSchema.safeParse(value).success);
      }),
      { numRuns: 5000 },
    );
  });

  test('a real completion passes, and each single broken field fails', () => {
    const good = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4o',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'hi', refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 9,
        completion_tokens: 2,
        total_tokens: 11,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    };
    expect(isChatCompletion(good)).toBe(true);
    expect(isChatCompletion({ ...good, choices: undefined })).toBe(false);
    expect(isChatCompletion({ ...good, id: 7 })).toBe(false);
    expect(isChatCompletion({ ...good, usage: { ...good.usage, prompt_tokens: '9' } })).toBe(false);
    expect(isChatCompletion({ ...good, choices: [{ index: 0, finish_reason: 'stop' }] })).toBe(false);
    expect(
      isChatCompletion({ ...good, choices: [{ message: { tool_calls: [{ index: null, id: 'c' }] } }] }),
    ).toBe(false);
    expect(isChatCompletion([good])).toBe(false);
    const withContent = (content: unknown) => ({
      ...good,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    });
    expect(isChatCompletion(withContent([{ type: 'text', text: 'hi' }]))).toBe(true);
    expect(isChatCompletion(withContent([{ type: 'text', text: 'hi' }, 'hi']))).toBe(false);
    expect(isChatCompletion(withContent({ type: 'text', text: 'hi' }))).toBe(false);
  });
});
