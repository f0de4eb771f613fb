import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ResponsesFixture, startResponsesFixture } from './fixture.ts';

let fixture: ResponsesFixture;
let client: OpenAI;

beforeAll(async () => {
  fixture = await startResponsesFixture();
  client = new OpenAI({ baseURL: `${fixture.gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => fixture.close());

const weather: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

describe('POST /v1/responses with the official openai client', () => {
  for (const route of ['via-chat', 'via-responses', 'via-anthropic', 'via-gemini']) {
    it(`answers responses.create from ${route}`, async () => {
      const response = await client.responses.create({
        model: route,
        instructions: 'Be brief.',
        input: 'hello there',
      });
      expect(response.object).toBe('response');
      expect(response.id).toMatch(/^resp_/);
      expect(response.status).toBe('completed');
      expect(response.output_text).toBe('echo: hello there');
      expect(response.output).toHaveLength(1);
      expect(response.output[0]).toMatchObject({
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'echo: hello there', annotations: [] }],
      });
      expect(response.usage).toMatchObject({
        output_tokens: 4,
        output_tokens_details: { reasoning_tokens: 0 },
      });
      expect(response.usage!.total_tokens).toBe(response.usage!.input_tokens + 4);
      expect(response.instructions).toBe('Be brief.');
    });
  }

  it('streams with responses.stream: the full event sequence, numbered, and the final response', async () => {
    const stream = client.responses.stream({ model: 'via-anthropic', input: 'hello there' });
    const types: string[] = [];
    const sequence: number[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      sequence.push(event.sequence_number);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    const final = await stream.finalResponse();
    expect(text).toBe('echo: hello there');
    expect(final.output_text).toBe('echo: hello there');
    expect(final.status).toBe('completed');
    expect(final.model).toBe('claude:claude-sonnet-4-5');
    expect(sequence).toEqual(sequence.map((_, i) => i));
    expect(types[0]).toBe('response.created');
    expect(types[1]).toBe('response.in_progress');
    expect(types[2]).toBe('response.output_item.added');
    expect(types[3]).toBe('response.content_part.added');
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
  });

  it('calls a function, then takes its output back (two turns, every upstream protocol)', async () => {
    for (const route of ['via-chat', 'via-responses', 'via-anthropic', 'via-gemini']) {
      const first = await client.responses.create({
        model: route,
        input: 'weather in Paris?',
        tools: [weather],
      });
      const call = first.output.find((item) => item.type === 'function_call');
      expect(call, route).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
      if (call?.type !== 'function_call') throw new Error('no call');
      expect(JSON.parse(call.arguments)).toEqual({ city: 'example' });
      const second = await client.responses.create({
        model: route,
        tools: [weather],
        input: [
          { role: 'user', content: 'weather in Paris?' },
          ...first.output,
          { type: 'function_call_output', call_id: call.call_id, output: 'sunny' },
        ] as OpenAI.Responses.ResponseInput,
      });
      expect(second.output_text, route).toBe('echo: weather in Paris?');
    }
  });

  it('streams a function call as function_call_arguments deltas', async () => {
    const stream = client.responses.stream({ model: 'via-chat', input: 'weather?', tools: [weather] });
    let args = '';
    let done = '';
    for await (const event of stream) {
      if (event.type === 'response.function_call_arguments.delta') args += event.delta;
      if (event.type === 'response.function_call_arguments.done') done = event.arguments;
    }
    expect(JSON.parse(args)).toEqual({ city: 'example' });
    expect(done).toBe(args);
    const final = await stream.finalResponse();
    expect(final.output[0]).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: args });
  });

  it('returns structured output for text.format json_schema as the message text', async () => {
    const response = await client.responses.create({
      model: 'via-anthropic',
      input: 'a city',
      text: {
        format: {
          type: 'json_schema',
          name: 'city',
          schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        },
      },
    });
    expect(JSON.parse(response.output_text)).toEqual({ name: 'example' });
  });

  it('is incomplete with max_output_tokens when the limit cuts the answer', async () => {
    const response = await client.responses.create({
      model: 'via-chat',
      input:
        'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen',
      max_output_tokens: 16,
    });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  it('falls back to Anthropic after a 503, a 429 and a cut stream, streamed and not', async () => {
    for (const route of ['down-then-claude', 'limited-then-claude']) {
      const { data, response } = await client.responses
        .create({ model: route, input: 'hello there' })
        .withResponse();
      expect(data.output_text).toBe('echo: hello there');
      expect(data.model).toBe('claude:claude-sonnet-4-5');
      expect(response.headers.get('x-understudy-fallbacks')).toBe('1');
    }
    for (const route of ['down-then-claude', 'limited-then-claude', 'cut-then-claude']) {
      const stream = client.responses.stream({ model: route, input: 'hello there' });
      const final = await stream.finalResponse();
      expect(final.output_text, route).toBe('echo: hello there');
      expect(final.model).toBe('claude:claude-sonnet-4-5');
    }
  });

  it('ends a stream broken after commit with an error event and response.failed', async () => {
    const stream = client.responses.stream({ model: 'broken', input: 'hello there' });
    const error = await stream.finalResponse().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
  });

  it('answers every attempt failing in the OpenAI error shape', async () => {
    const error = await client.responses
      .create({ model: 'unavailable', input: 'hi' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBeGreaterThanOrEqual(500);
  });

  it('refuses previous_response_id with a 400 that says to send the whole input', async () => {
    const error = await client.responses
      .create({ model: 'via-chat', input: 'hi', previous_response_id: 'resp_123' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(bad.param).toBe('previous_response_id');
    expect(bad.message).toMatch(/stores no responses.*Send the whole conversation in `input`/);
  });

  it('refuses a hosted tool naming its field', async () => {
    const error = await client.responses
      .create({ model: 'via-chat', input: 'hi', tools: [weather, { type: 'web_search' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(bad.param).toBe('tools[1]');
    expect(bad.message).toMatch(/web_search tool, which only OpenAI runs.*has no equivalent on chat:gpt-4o/);
  });
});
