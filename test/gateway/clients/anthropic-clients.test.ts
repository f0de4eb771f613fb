/**
 * The Anthropic-protocol clients people build agents with, run through the gateway as their users run
 * them: the AI SDK's `@ai-sdk/anthropic` (structured output with Output.object, both ways the provider
 * asks for it) and LangChain's `@langchain/anthropic` (streamed usage, structured output). Each runs
 * against an Anthropic upstream (the same protocol) and across a fallback to an OpenAI one.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { ChatAnthropic } from '@langchain/anthropic';
import type { AIMessageChunk } from '@langchain/core/messages';
import { generateText, jsonSchema, Output, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';

const tripSchema = {
  type: 'object' as const,
  properties: { city: { type: 'string' as const }, days: { type: 'integer' as const } },
  required: ['city', 'days'],
  additionalProperties: false,
};
const expectedTrip = { city: 'example', days: 1 };

let openai: ChaosServer;
let anthropic: ChaosServer;
let gateway: Gateway;

beforeAll(async () => {
  openai = await startChaosServer({ protocol: 'openai' });
  anthropic = await startChaosServer({
    protocol: 'anthropic',
    scenario: { models: { 'claude-down': { fault: 'status:529' } } },
  });
  gateway = await startGateway({
    port: 0,
    log: () => {},
    config: {
      providers: {
        oa: { type: 'openai', baseUrl: openai.url },
        an: { type: 'anthropic', baseUrl: anthropic.url },
      },
      routes: {
        // Named as the clients' own model ids, as agent users configure them.
        'claude-sonnet-4-5': { models: ['an:claude-sonnet-4-5'], breaker: false },
        'claude-fallback-4-5': { models: ['an:claude-down', 'oa:gpt-4o'], breaker: false },
      },
    },
  });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openai.close(), anthropic.close()]);
});

const ROUTES = [
  ['an Anthropic upstream', 'claude-sonnet-4-5'],
  ['a fallback to an OpenAI upstream', 'claude-fallback-4-5'],
] as const;

describe('the AI SDK (@ai-sdk/anthropic) through the gateway', () => {
  const provider = () => createAnthropic({ baseURL: `${gateway.url}/v1`, apiKey: 'unused' });

  for (const [where, route] of ROUTES) {
    for (const mode of ['outputFormat', 'jsonTool'] as const) {
      it(`Output.object with structuredOutputMode ${mode}, from ${where}`, async () => {
        const { output } = await generateText({
          model: provider()(route),
          prompt: 'Plan a trip',
          output: Output.object({ schema: jsonSchema<typeof expectedTrip>(tripSchema) }),
          providerOptions: { anthropic: { structuredOutputMode: mode } },
          maxRetries: 0,
        });
        expect(output).toEqual(expectedTrip);
      });
    }

    it(`streams Output.object from ${where}`, async () => {
      const result = streamText({
        model: provider()(route),
        prompt: 'Plan a trip',
        output: Output.object({ schema: jsonSchema<typeof expectedTrip>(tripSchema) }),
        providerOptions: { anthropic: { structuredOutputMode: 'outputFormat' } },
        maxRetries: 0,
      });
      expect(await result.output).toEqual(expectedTrip);
      expect((await result.usage).outputTokens).toBeGreaterThan(0);
    });
  }
});

describe('LangChain (@langchain/anthropic) through the gateway', () => {
  const chat = (model: string) =>
    new ChatAnthropic({ model, anthropicApiUrl: gateway.url, apiKey: 'unused', maxRetries: 0 });

  const streamed = async (client: ChatAnthropic) => {
    let merged: AIMessageChunk | undefined;
    const inputSeen: number[] = [];
    for await (const chunk of await client.stream('hello there')) {
      merged = merged === undefined ? chunk : merged.concat(chunk);
      if (chunk.usage_metadata) inputSeen.push(chunk.usage_metadata.input_tokens);
    }
    return { content: merged?.content, usage: merged?.usage_metadata, firstInput: inputSeen[0] };
  };

  it('streams with the same usage as the Anthropic upstream gives it directly', async () => {
    const direct = new ChatAnthropic({
      model: 'claude-sonnet-4-5',
      anthropicApiUrl: anthropic.url,
      apiKey: 'unused',
      maxRetries: 0,
    });
    const [through, alone] = await Promise.all([streamed(chat('claude-sonnet-4-5')), streamed(direct)]);
    expect(through.content).toBe('echo: hello there');
    expect(through.usage).toEqual(alone.usage);
    expect(through.firstInput).toBe(2);
  });

  it('streams usage across a fallback to OpenAI: input tokens on the first chunk, output exact', async () => {
    const { content, usage, firstInput } = await streamed(chat('claude-fallback-4-5'));
    expect(content).toBe('echo: hello there');
    // The OpenAI upstream counts the prompt only at the end, so message_start carries the estimate.
    expect(firstInput).toBeGreaterThan(0);
    expect(usage?.output_tokens).toBe(4);
  });

  for (const [where, route] of ROUTES) {
    it(`invokes and answers structured output from ${where}`, async () => {
      const answer = await chat(route).invoke('hello there');
      expect(answer.content).toBe('echo: hello there');
      const structured = await chat(route)
        .withStructuredOutput(tripSchema, { name: 'trip' })
        .invoke('Plan a trip');
      expect(structured).toEqual(expectedTrip);
    });
  }
});
