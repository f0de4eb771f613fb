/**
 * The two crashes of issue 12 point 3: a FunctionModel whose usage leaves out `details` (and the cache
 * counts) crashed `Agent.run` in `addUsage` and `toAISDK` in `toAISDKUsage`. Here through the real
 * consumers: an Agent run and the AI SDK's own `generateText` / `streamText`.
 */
import { generateText, streamText } from 'ai';
import { describe, expect, test } from 'vitest';
import { Agent } from '../../../src/agent/agent.ts';
import { toAISDK } from '../../../src/interop/ai-sdk/to-ai-sdk.ts';
import { FunctionModel } from '../../../src/testing/function.ts';

const answer = () => ({
  parts: [{ partKind: 'text' as const, content: 'hi' }],
  usage: { inputTokens: 10, outputTokens: 5 },
});

describe('a usage written by hand without details', () => {
  test('Agent.run sums it, the missing counts as 0', async () => {
    const { usage } = await new Agent(new FunctionModel(answer)).run('hello');
    expect(usage).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      details: {},
      requests: 1,
      toolCalls: 0,
    });
  });

  test('toAISDK reports it to generateText', async () => {
    const result = await generateText({ model: toAISDK(new FunctionModel(answer)), prompt: 'hello' });
    expect(result.text).toBe('hi');
    expect(result.usage).toMatchObject({ inputTokens: 10, outputTokens: 5, totalTokens: 15 });
    expect(result.usage.outputTokenDetails).toMatchObject({ reasoningTokens: undefined });
  });

  test('toAISDK reports a stream function’s usage to streamText', async () => {
    const model = new FunctionModel(undefined, {
      stream: async function* () {
        yield 'hi';
        yield {
          kind: 'usage',
          usage: { inputTokens: 10, outputTokens: 5, details: { reasoning_tokens: 2 } },
        };
      },
    });
    const result = streamText({ model: toAISDK(model), prompt: 'hello' });
    expect(await result.text).toBe('hi');
    expect(await result.usage).toMatchObject({ inputTokens: 10, outputTokens: 5 });
    expect((await result.usage).outputTokenDetails).toMatchObject({ reasoningTokens: 2, textTokens: 3 });
  });
});
