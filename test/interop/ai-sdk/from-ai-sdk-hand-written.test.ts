/**
 * A LanguageModelV4 written by hand (a test mock, a local model) through `fromAISDK`: whatever it leaves
 * out is read as absent, whatever cannot be read is a UserError naming it.
 */
import type { LanguageModelV4, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { describe, expect, test } from 'vitest';
import { UserError } from '../../../src/core/errors/index.ts';
import { type ModelMessage, userPrompt } from '../../../src/core/messages.ts';
import { fromAISDK } from '../../../src/interop/ai-sdk/from-ai-sdk.ts';

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello')] }];

/** A language model whose doGenerate returns `result` and whose stream yields `parts`, as written. */
function handWritten(result: unknown, parts: unknown[] = []): LanguageModelV4 {
  return {
    specificationVersion: 'v4',
    provider: 'mock',
    modelId: 'hand',
    supportedUrls: {},
    doGenerate: async () => result as never,
    doStream: async () => ({
      stream: new ReadableStream<LanguageModelV4StreamPart>({
        start(controller) {
          for (const part of parts) controller.enqueue(part as LanguageModelV4StreamPart);
          controller.close();
        },
      }),
    }),
  };
}

async function streamed(parts: unknown[]) {
  const stream = await fromAISDK(handWritten({}, parts)).requestStream(hello);
  for await (const _event of stream) {
    // Only the assembled response is under test.
  }
  return stream.get();
}

describe('fromAISDK with a hand-written model', () => {
  test('a result with only text content: no usage is 0 everywhere, no finish reason is none', async () => {
    const response = await fromAISDK(handWritten({ content: [{ type: 'text', text: 'hi' }] })).request(hello);
    expect(response.parts).toEqual([{ partKind: 'text', content: 'hi' }]);
    expect(response.usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      details: {},
    });
    expect(response.finishReason).toBeUndefined();
    expect(response.rawFinishReason).toBeUndefined();
  });

  test('partial usage groups: a missing total is the sum of its parts, a bare number is the total', async () => {
    const response = await fromAISDK(
      handWritten({
        content: [],
        finishReason: 'stop',
        usage: { inputTokens: { noCache: 3, cacheRead: 4 }, outputTokens: 7 },
      }),
    ).request(hello);
    expect(response.usage).toEqual({
      inputTokens: 7,
      outputTokens: 7,
      cacheReadTokens: 4,
      cacheWriteTokens: 0,
      details: {},
    });
    expect([response.finishReason, response.rawFinishReason]).toEqual(['stop', 'stop']);
  });

  test('a streamed finish part without usage or finish reason ends the stream cleanly', async () => {
    const response = await streamed([
      { type: 'text-delta', id: '0', delta: 'hi' },
      { type: 'finish', usage: { outputTokens: { text: 1, reasoning: 2 } } },
    ]);
    expect(response.parts).toEqual([{ partKind: 'text', content: 'hi' }]);
    expect(response.usage).toMatchObject({
      inputTokens: 0,
      outputTokens: 3,
      details: { reasoning_tokens: 2 },
    });
  });

  test.each([
    [{ content: 'hi' }, 'doGenerate\'s content must be an array; got "hi" (a string)'],
    [{ content: [{ type: 'text', text: 5 }] }, 'content[0]: text must be a string; got 5'],
    [{ content: [{ type: 'tool-call', toolCallId: 'c', input: '{}' }] }, 'toolName is required'],
    [
      { content: [], usage: { inputTokens: { total: -1 } } },
      'usage: inputTokens.total must be a whole number',
    ],
    [
      { content: [], usage: { outputTokens: 'many' } },
      'usage: outputTokens must be an object such as { total: 10 }',
    ],
  ])('rejects doGenerate result %j with a UserError', async (result, message) => {
    const request = () => fromAISDK(handWritten(result)).request(hello);
    await expect(request()).rejects.toThrow(UserError);
    await expect(request()).rejects.toThrow(message);
  });

  test('a text delta left out is an empty one: nothing to add, nothing to crash on', async () => {
    const response = await streamed([
      { type: 'text-delta', id: '0', delta: 'hi' },
      { type: 'text-delta', id: '0' },
    ]);
    expect(response.parts).toEqual([{ partKind: 'text', content: 'hi' }]);
  });

  test.each([
    [{ type: 'text-delta', id: '0', delta: 1 }, "stream part 'text-delta': delta must be a string"],
    [42, 'the stream gave 42 (a number), not a stream part object'],
    [{ type: 'finish', usage: { inputTokens: { total: Number.NaN } } }, 'usage: inputTokens.total must be'],
  ])('rejects stream part %j with a UserError', async (part, message) => {
    await expect(streamed([part])).rejects.toThrow(UserError);
    await expect(streamed([part])).rejects.toThrow(message);
  });
});
