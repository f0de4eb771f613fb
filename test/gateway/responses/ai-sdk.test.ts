/**
 * The AI SDK's default OpenAI provider (`openai('…')` speaks the Responses API) through the gateway,
 * whole and streamed, with a tool it runs itself over two steps, and across a fallback.
 */
import { createOpenAI } from '@ai-sdk/openai';
import {
  APICallError,
  generateText,
  jsonSchema,
  type ModelMessage,
  Output,
  stepCountIs,
  streamText,
  tool,
} from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ResponsesFixture, startResponsesFixture } from './fixture.ts';

let fixture: ResponsesFixture;
let openai: ReturnType<typeof createOpenAI>;

beforeAll(async () => {
  fixture = await startResponsesFixture();
  openai = createOpenAI({ baseURL: `${fixture.gateway.url}/v1`, apiKey: 'unused' });
});
afterAll(() => fixture.close());

const calls: unknown[] = [];
const weather = tool({
  description: 'The weather in a city',
  inputSchema: jsonSchema<{ city: string }>({
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  }),
  execute: async ({ city }) => {
    calls.push(city);
    return `sunny in ${city}`;
  },
});

describe('the AI SDK default OpenAI provider (Responses) through the gateway', () => {
  it('generateText from every upstream protocol', async () => {
    for (const route of ['via-chat', 'via-responses', 'via-anthropic']) {
      const result = await generateText({ model: openai(route), prompt: 'hello there', maxRetries: 0 });
      expect(result.text, route).toBe('echo: hello there');
      expect(result.finishReason).toBe('stop');
      expect(result.usage.outputTokens).toBe(4);
      // resp_…: the provider spoke the Responses API (Chat Completions answers are chatcmpl-…).
      expect(result.response.id).toMatch(/^resp_/);
    }
  });

  it('streamText across a fallback from a 503 to Anthropic', async () => {
    const result = streamText({ model: openai('down-then-claude'), prompt: 'hello there', maxRetries: 0 });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe('echo: hello there');
    expect(await result.finishReason).toBe('stop');
    expect((await result.response).modelId).toBe('claude:claude-sonnet-4-5');
    expect((await result.response).id).toMatch(/^resp_/);
  });

  it('generateText runs a tool over two steps', async () => {
    calls.length = 0;
    const result = await generateText({
      model: openai('via-anthropic'),
      prompt: 'weather in Paris?',
      tools: { weather },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    expect(calls).toEqual(['example']);
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]!.toolCalls[0]).toMatchObject({ toolName: 'weather', input: { city: 'example' } });
    expect(result.text).toBe('echo: weather in Paris?');
  });

  it('streamText runs a tool over two steps', async () => {
    calls.length = 0;
    const result = streamText({
      model: openai('via-chat'),
      prompt: 'weather in Paris?',
      tools: { weather },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(calls).toEqual(['example']);
    expect(text).toBe('echo: weather in Paris?');
    expect(await result.steps).toHaveLength(2);
  });

  it('Output.object (text.format json_schema) from every upstream protocol', async () => {
    const schema = jsonSchema<{ city: string }>({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    });
    for (const route of ['via-chat', 'via-responses', 'via-anthropic']) {
      const result = await generateText({
        model: openai(route),
        prompt: 'a city',
        output: Output.object({ schema }),
        maxRetries: 0,
      });
      expect(result.output, route).toEqual({ city: 'example' });
    }
  });

  it('continues a conversation with store: false, and says to set it when an item_reference comes', async () => {
    const first = await generateText({
      model: openai('via-anthropic'),
      prompt: 'hello there',
      maxRetries: 0,
    });
    const messages: ModelMessage[] = [
      { role: 'user', content: 'hello there' },
      ...first.response.messages,
      { role: 'user', content: 'and again' },
    ];
    const second = await generateText({
      model: openai('via-chat'),
      messages,
      providerOptions: { openai: { store: false } },
      maxRetries: 0,
    });
    expect(second.text).toBe('echo: and again');
    // The provider's default (store: true) refers back to the earlier answer by id, which only OpenAI keeps.
    const error = await generateText({ model: openai('via-chat'), messages, maxRetries: 0 }).catch(
      (e: unknown) => e,
    );
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(400);
    expect((error as APICallError).message).toMatch(/item_reference.*store: false/);
  });
});
