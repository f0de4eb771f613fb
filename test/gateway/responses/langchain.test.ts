/**
 * LangChain's ChatOpenAI in Responses mode (`useResponsesApi: true`) through the gateway: invoke and
 * stream, a tool call, and a fallback.
 */
import { HumanMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ResponsesFixture, startResponsesFixture } from './fixture.ts';

let fixture: ResponsesFixture;

beforeAll(async () => {
  fixture = await startResponsesFixture();
});
afterAll(() => fixture.close());

function chat(model: string): ChatOpenAI {
  return new ChatOpenAI({
    model,
    useResponsesApi: true,
    apiKey: 'unused',
    maxRetries: 0,
    configuration: { baseURL: `${fixture.gateway.url}/v1` },
  });
}

describe('LangChain ChatOpenAI with useResponsesApi through the gateway', () => {
  it('invokes, from every upstream protocol', async () => {
    for (const route of ['via-chat', 'via-responses', 'via-anthropic']) {
      const message = await chat(route).invoke('hello there');
      expect(message.text, route).toBe('echo: hello there');
      expect(message.usage_metadata).toMatchObject({ output_tokens: 4 });
      // resp_…: LangChain spoke the Responses API (Chat Completions answers are chatcmpl-…).
      expect(JSON.stringify(message.response_metadata)).toContain('"id":"resp_');
    }
  });

  it('streams, across a fallback after a 429', async () => {
    let text = '';
    for await (const chunk of await chat('limited-then-claude').stream('hello there')) text += chunk.text;
    expect(text).toBe('echo: hello there');
  });

  it('calls a bound tool', async () => {
    const model = chat('via-anthropic').bindTools([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'The weather in a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ]);
    const message = await model.invoke('weather in Paris?');
    expect(message.tool_calls).toMatchObject([{ name: 'get_weather', args: { city: 'example' } }]);
  });

  it('continues a conversation, its earlier answer sent back as it came', async () => {
    const model = chat('via-anthropic');
    const first = await model.invoke('hello there');
    const second = await model.invoke([
      new HumanMessage('hello there'),
      first,
      new HumanMessage('and again'),
    ]);
    expect(second.text).toBe('echo: and again');
  });
});
