import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OpenAIChatModel } from '../../../src/adapters/openai-chat/model.ts';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { ModelHTTPError } from '../../../src/core/errors/index.ts';
import type { ModelMessage } from '../../../src/core/messages.ts';
import type { ModelRequestParameters } from '../../../src/core/model.ts';
import { FallbackModel } from '../../../src/fallback/fallback-model.ts';
import { toAISDK } from '../../../src/interop/ai-sdk/to-ai-sdk.ts';
import { createProvider } from '../../../src/registry/create-provider.ts';
import { FunctionModel } from '../../../src/testing/function.ts';

let chaos: ChaosServer;
beforeAll(async () => {
  chaos = await startChaosServer({ protocol: 'openai' });
});
afterAll(async () => {
  await chaos.close();
});

/** Our own OpenAI adapter pointed at the chaos upstream, failing with `fault` on every call when given. */
function chaosModel(name: string, fault?: string) {
  const provider = createProvider('openai', { baseUrl: chaos.url, apiKey: 'test-key' });
  return new OpenAIChatModel(name, {
    provider,
    settings: fault ? { extraHeaders: { 'x-chaos': fault } } : undefined,
  });
}

describe('toAISDK with the AI SDK’s generateText / streamText', () => {
  test('generateText through a FallbackModel whose first upstream is rate limited', async () => {
    const fallback = new FallbackModel(chaosModel('gpt-4o', 'status:429'), chaosModel('gpt-4o-mini'), {
      retry: { maxRetries: 0 },
    });
    const result = await generateText({ model: toAISDK(fallback), prompt: 'hello there', maxRetries: 0 });
    expect(result.text).toBe('echo: hello there');
    expect(result.finishReason).toBe('stop');
    expect(result.response.modelId).toBe('gpt-4o-mini');
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    const metadata = result.providerMetadata?.understudy as { attempts: Array<Record<string, unknown>> };
    expect(
      metadata.attempts.map((attempt) => [attempt.modelName, attempt.outcome, attempt.errorKind]),
    ).toEqual([
      ['gpt-4o', 'error', 'rate_limit'],
      ['gpt-4o-mini', 'ok', undefined],
    ]);
  });

  test('streamText streams the fallback’s text', async () => {
    const fallback = new FallbackModel(chaosModel('gpt-4o', 'status:503'), chaosModel('gpt-4o-mini'), {
      retry: { maxRetries: 0 },
    });
    const result = streamText({ model: toAISDK(fallback), prompt: 'stream me', maxRetries: 0 });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.join('')).toBe('echo: stream me');
    expect(deltas.length).toBeGreaterThan(1);
    expect(await result.finishReason).toBe('stop');
  });

  test('messages, settings and tools reach the model; the AI SDK runs the tool it asked for', async () => {
    const seen: Array<{ messages: ModelMessage[]; params: ModelRequestParameters; maxTokens?: number }> = [];
    const model = new FunctionModel(
      (messages, info) => {
        seen.push({ messages, params: info.params, maxTokens: info.settings.maxTokens });
        if (seen.length === 1) {
          return {
            parts: [{ partKind: 'tool-call', toolName: 'add', toolCallId: 'c1', args: '{"a":2,"b":3}' }],
            finishReason: 'tool_call',
          };
        }
        return { parts: [{ partKind: 'text', content: 'It is 5.' }], finishReason: 'stop' };
      },
      { modelName: 'adder' },
    );
    const result = await generateText({
      model: toAISDK(model),
      system: 'You add.',
      prompt: 'What is 2+3?',
      maxOutputTokens: 50,
      tools: {
        add: tool({
          description: 'Adds',
          inputSchema: jsonSchema<{ a: number; b: number }>({
            type: 'object',
            properties: { a: { type: 'number' }, b: { type: 'number' } },
            required: ['a', 'b'],
          }),
          execute: async ({ a, b }) => a + b,
        }),
      },
      stopWhen: stepCountIs(3),
    });
    expect(result.text).toBe('It is 5.');
    expect(seen[0]!.maxTokens).toBe(50);
    expect(seen[0]!.params.functionTools).toEqual([
      {
        name: 'add',
        description: 'Adds',
        parametersJsonSchema: {
          type: 'object',
          properties: { a: { type: 'number' }, b: { type: 'number' } },
          required: ['a', 'b'],
        },
      },
    ]);
    expect(seen[0]!.messages).toEqual([
      {
        kind: 'request',
        parts: [
          { partKind: 'system-prompt', content: 'You add.' },
          { partKind: 'user-prompt', content: 'What is 2+3?' },
        ],
      },
    ]);
    expect(seen[1]!.messages.slice(1)).toMatchObject([
      {
        kind: 'response',
        parts: [{ partKind: 'tool-call', toolName: 'add', toolCallId: 'c1', args: '{"a":2,"b":3}' }],
      },
      {
        kind: 'request',
        parts: [{ partKind: 'tool-return', toolName: 'add', toolCallId: 'c1', content: 5 }],
      },
    ]);
  });

  test('streamed tool calls arrive as AI SDK tool calls', async () => {
    const model = new FunctionModel(undefined, {
      stream: async function* () {
        yield { kind: 'tool-calls', calls: { 0: { name: 'lookup', toolCallId: 'c9', argsJson: '{"id":' } } };
        yield { kind: 'tool-calls', calls: { 0: { argsJson: '"x"}' } } };
      },
    });
    const result = streamText({
      model: toAISDK(model),
      prompt: 'look it up',
      tools: {
        lookup: tool({
          inputSchema: jsonSchema<{ id: string }>({ type: 'object', properties: { id: { type: 'string' } } }),
        }),
      },
    });
    const calls = await result.toolCalls;
    expect(calls.map((call) => [call.toolCallId, call.toolName, call.input])).toEqual([
      ['c9', 'lookup', { id: 'x' }],
    ]);
    expect(await result.finishReason).toBe('tool-calls');
  });

  test('when every model fails, generateText rejects with the FallbackModel’s error', async () => {
    const fallback = new FallbackModel(
      chaosModel('gpt-4o', 'status:500'),
      chaosModel('gpt-4o-mini', 'status:500'),
      {
        retry: { maxRetries: 0 },
      },
    );
    const error = await generateText({ model: toAISDK(fallback), prompt: 'x', maxRetries: 0 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.every((inner) => inner instanceof ModelHTTPError)).toBe(true);
  });
});
