import { createOpenAI } from '@ai-sdk/openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { ModelAPIError, ModelHTTPError } from '../../../src/core/errors/index.ts';
import { type ModelMessage, responseText, userPrompt } from '../../../src/core/messages.ts';
import { FallbackModel } from '../../../src/fallback/fallback-model.ts';
import { fromAISDK } from '../../../src/interop/ai-sdk/from-ai-sdk.ts';

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello there')] }];

let chaos: ChaosServer;
let openaiViaSdk: ReturnType<typeof createOpenAI>;

beforeAll(async () => {
  chaos = await startChaosServer({ protocol: 'openai' });
  openaiViaSdk = createOpenAI({ baseURL: chaos.url, apiKey: 'test-key' });
});
afterAll(async () => {
  await chaos.close();
});

/** A fault for one call, through the chaos server's request header. */
const fault = (spec: string) => ({ extraHeaders: { 'x-chaos': spec } });

describe('fromAISDK with @ai-sdk/openai against a chaos upstream', () => {
  test('answers a request with the text, usage, names and finish reason', async () => {
    const model = fromAISDK(openaiViaSdk.chat('gpt-4o-mini'));
    expect([model.modelName, model.system]).toEqual(['gpt-4o-mini', 'openai']);
    const response = await model.request(hello);
    expect(responseText(response)).toBe('echo: hello there');
    expect(response).toMatchObject({
      modelName: 'gpt-4o-mini',
      providerName: 'openai',
      finishReason: 'stop',
      rawFinishReason: 'stop',
    });
    expect(response.usage.outputTokens).toBeGreaterThan(0);
    expect(response.usage.inputTokens).toBeGreaterThan(0);
  });

  test('streams text deltas into one response', async () => {
    const stream = await fromAISDK(openaiViaSdk.chat('gpt-4o-mini')).requestStream(hello);
    let text = '';
    let deltas = 0;
    for await (const event of stream) {
      if (event.kind === 'part-start' && event.part.partKind === 'text') text += event.part.content;
      if (event.kind === 'part-delta' && event.delta.partKind === 'text') {
        text += event.delta.contentDelta;
        deltas++;
      }
    }
    expect(text).toBe('echo: hello there');
    expect(deltas).toBeGreaterThan(0);
    expect(stream.get()).toMatchObject({
      parts: [{ partKind: 'text', content: 'echo: hello there' }],
      finishReason: 'stop',
    });
  });

  test('an HTTP error becomes a ModelHTTPError with its kind, status and Retry-After', async () => {
    const model = fromAISDK(openaiViaSdk.chat('gpt-4o-mini'));
    const error = await model.request(hello, fault('status:429;retry-after=2')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelHTTPError);
    expect(error).toMatchObject({
      statusCode: 429,
      kind: 'rate_limit',
      retryAfterMs: 2000,
      modelName: 'gpt-4o-mini',
    });
    expect((error as ModelHTTPError).body).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
  });

  test('a 400 for a too-long prompt is classified as context_length', async () => {
    const error = await fromAISDK(openaiViaSdk.chat('gpt-4o-mini'))
      .request(hello, fault('status:400;context-length'))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 400, kind: 'context_length' });
  });

  test('a reset connection is a network ModelAPIError', async () => {
    const error = await fromAISDK(openaiViaSdk.chat('gpt-4o-mini'))
      .request(hello, fault('reset'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(error).toMatchObject({ kind: 'network' });
  });

  test('an error frame mid-stream is thrown from the iterator', async () => {
    const stream = await fromAISDK(openaiViaSdk.chat('gpt-4o-mini')).requestStream(
      hello,
      fault('error-frame:2'),
    );
    const error = await (async () => {
      for await (const _ of stream) {
        // read until it fails
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelAPIError);
    expect(stream.get().parts[0]).toMatchObject({ partKind: 'text' });
  });

  test('tools offered are called, with the call id and JSON arguments', async () => {
    const response = await fromAISDK(openaiViaSdk.chat('gpt-4o-mini')).request(
      hello,
      {},
      {
        functionTools: [
          {
            name: 'weather',
            parametersJsonSchema: {
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
            },
          },
        ],
        outputTools: [],
        allowTextOutput: true,
      },
    );
    expect(response.finishReason).toBe('tool_call');
    const call = response.parts.find((part) => part.partKind === 'tool-call');
    expect(call).toMatchObject({ partKind: 'tool-call', toolName: 'weather' });
    expect(JSON.parse((call as { args: string }).args)).toHaveProperty('city');
  });

  test('sits in a FallbackModel: a 503 from the first moves to the second', async () => {
    const failing = fromAISDK(openaiViaSdk.chat('gpt-4o'), { settings: fault('status:503') });
    const working = fromAISDK(openaiViaSdk.chat('gpt-4o-mini'));
    const response = await new FallbackModel(failing, working, { retry: { maxRetries: 0 } }).request(hello);
    expect(responseText(response)).toBe('echo: hello there');
    expect(
      response.attempts?.map((attempt) => [attempt.modelName, attempt.outcome, attempt.errorKind]),
    ).toEqual([
      ['gpt-4o', 'error', 'overloaded'],
      ['gpt-4o-mini', 'ok', undefined],
    ]);
  });
});
