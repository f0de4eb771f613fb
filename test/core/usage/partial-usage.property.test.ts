/**
 * Property: any usage a user may write by hand — any subset of the counts, `details` present, absent or
 * partial, a cost or none — goes through every consumer without throwing, and the totals are the sums a
 * person would expect (a count left out is 0, a detail counter left out is not there, a cost is summed
 * when any response has one). Checked through the Agent (run and stream), a FallbackModel (request and
 * stream) and toAISDK (doGenerate and doStream).
 */
import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { Agent } from '../../../src/agent/agent.ts';
import { tool } from '../../../src/agent/tools.ts';
import { ModelHTTPError } from '../../../src/core/errors/index.ts';
import { type ModelMessage, userPrompt } from '../../../src/core/messages.ts';
import type { RequestUsage, UsageInput } from '../../../src/core/usage.ts';
import { FallbackModel } from '../../../src/fallback/fallback-model.ts';
import { toAISDK } from '../../../src/interop/ai-sdk/to-ai-sdk.ts';
import { FunctionModel } from '../../../src/testing/function.ts';

const RUNS = 60;
const COUNTS = ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens'] as const;

const count = fc.nat({ max: 100_000 });
/** Multiples of 1/8 add up exactly in binary, so sums can be compared with toEqual. */
const cost = fc.integer({ min: 0, max: 800 }).map((eighths) => eighths / 8);
const details = fc.dictionary(
  fc.constantFrom('reasoning_tokens', 'reasoningTokens', 'audio_tokens', 'cached_tokens'),
  fc.option(count, { nil: undefined }),
);
/** A usage as a person writes it: every field optional, `details` too, and its counters optional. */
const partialUsage: fc.Arbitrary<UsageInput> = fc.record(
  {
    inputTokens: count,
    outputTokens: count,
    cacheReadTokens: count,
    cacheWriteTokens: count,
    details,
    cost,
  },
  { requiredKeys: [] },
);

/** What the usages should add up to, computed independently of the library's own addUsage. */
function expectedSum(usages: UsageInput[]): RequestUsage {
  const sum: RequestUsage = {
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    details: {},
  };
  for (const usage of usages) {
    for (const field of COUNTS) sum[field] += usage[field] ?? 0;
    for (const [key, value] of Object.entries(usage.details ?? {})) {
      if (value !== undefined) sum.details[key] = (sum.details[key] ?? 0) + value;
    }
    if (usage.cost !== undefined) sum.cost = (sum.cost ?? 0) + usage.cost;
  }
  return sum;
}

const noop = tool({ name: 'noop', parameters: z.object({}), execute: () => 'done' });
const toolCall = { partKind: 'tool-call' as const, toolName: 'noop', args: {}, toolCallId: 'c' };

/** Answers with a tool call until the last usage, then with text; each response carries the next usage. */
function scriptedModel(usages: UsageInput[]): FunctionModel {
  const next = (messages: ModelMessage[]) => {
    const index = messages.filter((message) => message.kind === 'response').length;
    return { index, last: index === usages.length - 1, usage: usages[index] };
  };
  return new FunctionModel(
    (messages) => {
      const { last, usage } = next(messages);
      return { parts: [last ? { partKind: 'text', content: 'ok' } : toolCall], usage };
    },
    {
      stream: async function* (messages) {
        const { index, last, usage } = next(messages);
        if (last) yield 'ok';
        else
          yield {
            kind: 'tool-calls',
            calls: { 0: { name: 'noop', argsJson: '{}', toolCallId: `c${index}` } },
          };
        if (usage !== undefined) yield { kind: 'usage', usage };
      },
    },
  );
}

const failing = new FunctionModel(
  () => {
    throw new ModelHTTPError(503, 'down', 'unavailable');
  },
  {
    modelName: 'down',
    stream: () => {
      throw new ModelHTTPError(503, 'down', 'unavailable');
    },
  },
);

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello')] }];
const callOptions: LanguageModelV4CallOptions = {
  prompt: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
};

/** The AI SDK usage a normalized usage maps to, by the AI SDK's definitions of each field. */
function aiSdkUsage(usage: RequestUsage) {
  const reasoning = usage.details.reasoning_tokens ?? usage.details.reasoningTokens;
  return {
    inputTokens: {
      total: usage.inputTokens,
      noCache: Math.max(0, usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens),
      cacheRead: usage.cacheReadTokens,
      cacheWrite: usage.cacheWriteTokens,
    },
    outputTokens: {
      total: usage.outputTokens,
      text: reasoning === undefined ? undefined : Math.max(0, usage.outputTokens - reasoning),
      reasoning,
    },
  };
}

describe('partial usages written by hand', () => {
  test('Agent.run sums them over a run of tool calls', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(partialUsage, { minLength: 1, maxLength: 4 }), async (usages) => {
        const result = await new Agent(scriptedModel(usages), { tools: [noop] }).run('hello');
        expect(result.usage).toEqual({
          ...expectedSum(usages),
          requests: usages.length,
          toolCalls: usages.length - 1,
        });
      }),
      { numRuns: RUNS },
    );
  });

  test('Agent.runStream sums the usages its stream functions report', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(partialUsage, { minLength: 1, maxLength: 4 }), async (usages) => {
        const run = new Agent(scriptedModel(usages), { tools: [noop] }).runStream('hello');
        for await (const _event of run) {
          // Drained; the totals are checked on the result.
        }
        const { usage } = await run.result();
        expect(usage).toEqual({
          ...expectedSum(usages),
          requests: usages.length,
          toolCalls: usages.length - 1,
        });
      }),
      { numRuns: RUNS },
    );
  });

  test('FallbackModel.request reports the serving model’s usage, on the response and its attempt', async () => {
    await fc.assert(
      fc.asyncProperty(partialUsage, async (usage) => {
        const fallback = new FallbackModel(failing, scriptedModel([usage]), { retry: { maxRetries: 0 } });
        const response = await fallback.request(hello);
        expect(response.usage).toEqual(expectedSum([usage]));
        expect(response.attempts?.map((attempt) => attempt.outcome)).toEqual(['error', 'ok']);
        expect(response.attempts?.[1]?.usage).toEqual(expectedSum([usage]));
      }),
      { numRuns: RUNS },
    );
  });

  test('FallbackModel.requestStream reports it once the stream ends', async () => {
    await fc.assert(
      fc.asyncProperty(partialUsage, async (usage) => {
        const fallback = new FallbackModel(failing, scriptedModel([usage]), { retry: { maxRetries: 0 } });
        const stream = await fallback.requestStream(hello);
        for await (const _event of stream) {
          // Drained; usage is complete at the end.
        }
        expect(stream.usage).toEqual(expectedSum([usage]));
        expect(stream.get().usage).toEqual(expectedSum([usage]));
      }),
      { numRuns: RUNS },
    );
  });

  test('toAISDK doGenerate maps it to the AI SDK’s usage', async () => {
    await fc.assert(
      fc.asyncProperty(partialUsage, async (usage) => {
        const result = await toAISDK(scriptedModel([usage])).doGenerate(callOptions);
        expect(result.usage).toEqual(aiSdkUsage(expectedSum([usage])));
        const metadata = result.providerMetadata?.understudy as { cost?: number };
        expect(metadata.cost).toBe(usage.cost);
      }),
      { numRuns: RUNS },
    );
  });

  test('toAISDK doStream reports it on the finish part', async () => {
    await fc.assert(
      fc.asyncProperty(partialUsage, async (usage) => {
        const { stream } = await toAISDK(scriptedModel([usage])).doStream(callOptions);
        const parts: LanguageModelV4StreamPart[] = [];
        for await (const part of stream) parts.push(part);
        expect(parts.filter((part) => part.type === 'error')).toEqual([]);
        const finish = parts.at(-1);
        expect(finish?.type).toBe('finish');
        if (finish?.type === 'finish') expect(finish.usage).toEqual(aiSdkUsage(expectedSum([usage])));
      }),
      { numRuns: RUNS },
    );
  });
});
