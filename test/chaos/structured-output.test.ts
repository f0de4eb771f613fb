/**
 * Structured output from every emulator, asked for the way each official client asks: the answer is JSON
 * that the requested schema accepts, so clients that parse it (the AI SDK's Output.object, LangChain's
 * withStructuredOutput, the SDKs' parse helpers) can be tested against chaos upstreams.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';

const schema = {
  type: 'object',
  properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 3 } },
  required: ['city', 'days'],
  additionalProperties: false,
};
const expected = { city: 'example', days: 3 };
const servers: ChaosServer[] = [];
const start = async (protocol: 'openai' | 'anthropic' | 'gemini' | 'openai-responses') => {
  const server = await startChaosServer({ protocol });
  servers.push(server);
  return server;
};
let openai: ChaosServer;
let responses: ChaosServer;
let anthropic: ChaosServer;
let gemini: ChaosServer;

beforeAll(async () => {
  [openai, responses, anthropic, gemini] = await Promise.all([
    start('openai'),
    start('openai-responses'),
    start('anthropic'),
    start('gemini'),
  ]);
});
afterAll(() => Promise.all(servers.map((server) => server.close())));

describe('structured output from the chaos emulators', () => {
  it('Chat Completions: response_format json_schema', async () => {
    const client = new OpenAI({ baseURL: openai.url, apiKey: 'test', maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'plan a trip' }],
      response_format: { type: 'json_schema', json_schema: { name: 'trip', schema, strict: true } },
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual(expected);
  });

  it('Responses: text.format json_schema', async () => {
    const client = new OpenAI({ baseURL: responses.url, apiKey: 'test', maxRetries: 0 });
    const response = await client.responses.create({
      model: 'gpt-5',
      input: 'plan a trip',
      text: { format: { type: 'json_schema', name: 'trip', schema, strict: true } },
    });
    expect(JSON.parse(response.output_text)).toEqual(expected);
  });

  it('Anthropic: output_config.format, streamed too', async () => {
    const client = new Anthropic({ baseURL: anthropic.url, apiKey: 'test', maxRetries: 0 });
    const request = {
      model: 'claude-sonnet-4-5',
      max_tokens: 200,
      messages: [{ role: 'user' as const, content: 'plan a trip' }],
      output_config: { format: { type: 'json_schema' as const, schema } },
    };
    const message = await client.messages.create(request);
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect(JSON.parse((message.content[0] as { text: string }).text)).toEqual(expected);
    const streamed = await client.messages.stream(request).finalText();
    expect(JSON.parse(streamed)).toEqual(expected);
  });

  it('Gemini: responseJsonSchema and the older responseSchema', async () => {
    const client = new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: gemini.url } });
    for (const config of [
      { responseMimeType: 'application/json', responseJsonSchema: schema },
      {
        responseMimeType: 'application/json',
        responseSchema: { type: 'OBJECT', properties: { city: { type: 'STRING' } } },
      },
    ]) {
      const response = await client.models.generateContent({
        model: 'gemini-2.5-flash',
        contents: 'plan a trip',
        config,
      });
      expect(JSON.parse(response.text!)).toMatchObject({ city: 'example' });
    }
  });

  it('answers plain text when no schema is asked for', async () => {
    const client = new OpenAI({ baseURL: openai.url, apiKey: 'test', maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'plan a trip' }],
      response_format: { type: 'text' },
    });
    expect(completion.choices[0]!.message.content).toBe('echo: plan a trip');
  });
});
