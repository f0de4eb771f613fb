/**
 * The OpenAI Responses emulator, held to two clients: our `openai-responses:` adapter (for what is the
 * protocol's own; every fault is the adapter contract suite's, test/adapters/contract.test.ts) and the
 * official `openai` client (`client.responses.create` must accept its answers as it accepts the real
 * service's and raise its own typed errors for the faults).
 */

import OpenAI, { APIError, BadRequestError, RateLimitError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';
import { type ModelMessage, type ModelResponse, userPrompt } from '../../src/core/messages.ts';
import type { Model, ModelRequestParameters } from '../../src/core/model.ts';
import { inferModel } from '../../src/registry/index.ts';
import { failureShape } from '../support/failure-shape.ts';

let chaos: ChaosServer;
let model: Model;
let client: OpenAI;
const messages: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello there, world')] }];
const weather = {
  name: 'get_weather',
  parametersJsonSchema: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city', 'unit'],
  },
};

beforeAll(async () => {
  chaos = await startChaosServer({
    protocol: 'openai-responses',
    hangCapMs: 2_000,
    scenario: { toolCalls: 'all', models: { 'gpt-long': { answer: 'filler:40' } } },
  });
  model = inferModel('openai-responses:gpt-4o', { baseUrl: chaos.url, apiKey: 'test' });
  client = new OpenAI({ baseURL: chaos.url, apiKey: 'sk-test', maxRetries: 0, timeout: 2_000 });
});
afterAll(() => chaos.close());

async function call(target: Model, stream: boolean, fault?: string, params?: ModelRequestParameters) {
  const settings = { timeout: 200, ...(fault ? { extraHeaders: { 'x-chaos': fault } } : {}) };
  if (!stream) return target.request(messages, settings, params);
  const streamed = await target.requestStream(messages, settings, params);
  for await (const _event of streamed);
  return streamed.get();
}

/** What one call came to: text and finish reason, or the error's class, kind, status and Retry-After. */
async function outcome(fault: string, stream: boolean) {
  try {
    const response: ModelResponse = await call(model, stream, fault);
    const text = response.parts.map((part) => (part.partKind === 'text' ? part.content : '')).join('');
    return { ok: true, text, finish: response.finishReason };
  } catch (error) {
    return failureShape(error);
  }
}

const http = (status: number, kind: string, retryAfterMs?: number) => ({
  ok: false,
  name: 'ModelHTTPError',
  kind,
  status,
  retryAfterMs,
});

// What every adapter must do (answers, tools, each fault, aborts) is the adapter contract suite's
// (test/adapters/contract.test.ts); here, only what is the Responses protocol's own.
describe('the openai-responses adapter over the chaos upstream', () => {
  it('a token limit ends the response incomplete with reason max_output_tokens: finish length', async () => {
    const long = inferModel('openai-responses:gpt-long', { baseUrl: chaos.url, apiKey: 'test' });
    for (const stream of [false, true]) {
      const streamed = stream ? await long.requestStream(messages, { maxTokens: 16 }) : undefined;
      if (streamed) for await (const _event of streamed);
      const response = streamed ? streamed.get() : await long.request(messages, { maxTokens: 16 });
      expect(response.finishReason).toBe('length');
      expect(response.rawFinishReason).toBe('max_output_tokens');
      expect(response.usage.outputTokens).toBe(16);
    }
  });

  it("honours OpenAI's retry-after-ms, finer than Retry-After", async () => {
    expect(await outcome('status:429;retry-after-ms=250', false)).toEqual(http(429, 'rate_limit', 250));
    expect(await outcome('status:429;retry-after-ms=250', true)).toEqual(http(429, 'rate_limit', 250));
  });
});

describe('the official openai client against the Responses emulator', () => {
  const fault = (spec: string) => ({ headers: { 'x-chaos': spec } });

  it('responses.create returns a completed response object', async () => {
    const response = await client.responses.create({
      model: 'gpt-4o',
      input: 'hello there, world',
      instructions: 'Be brief.',
    });
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('echo: hello there, world');
    expect(response.instructions).toBe('Be brief.');
    expect(response.output).toEqual([
      {
        id: expect.stringMatching(/^msg_/),
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'echo: hello there, world' }],
      },
    ]);
    // `Be brief.` is 3 tokens of instructions, the input 4.
    expect(response.usage).toEqual({
      input_tokens: 7,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 6,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 13,
    });
  });

  it('streams the recorded event sequence with increasing sequence numbers', async () => {
    const stream = await client.responses.create({ model: 'gpt-4o', input: 'hi', stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const deltas = events.flatMap((event) =>
      event.type === 'response.output_text.delta' ? [event.delta] : [],
    );
    expect(deltas).toEqual(['echo', ':', ' hi']);
    const last = events.at(-1)!;
    expect(last.type === 'response.completed' && last.response.output[0]).toMatchObject({
      type: 'message',
      status: 'completed',
      content: [{ type: 'output_text', text: 'echo: hi' }],
    });
    expect(events[0]!.type === 'response.created' && events[0]!.response.status).toBe('in_progress');
  });

  it('streams function calls as added, arguments deltas, arguments done, item done', async () => {
    const stream = await client.responses.create({
      model: 'gpt-4o',
      input: 'weather?',
      stream: true,
      tools: [
        { type: 'function', name: 'get_weather', parameters: weather.parametersJsonSchema, strict: true },
      ],
    });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const types = events.map((event) => event.type);
    expect(types.slice(0, 3)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
    ]);
    expect(types.slice(-3)).toEqual([
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const args = events.flatMap((event) =>
      event.type === 'response.function_call_arguments.delta' ? [event.delta] : [],
    );
    expect(args.join('')).toBe('{"city":"example","unit":"celsius"}');
    const done = events.find((event) => event.type === 'response.output_item.done');
    expect(done?.type === 'response.output_item.done' && done.item).toEqual({
      id: expect.stringMatching(/^fc_/),
      type: 'function_call',
      status: 'completed',
      arguments: '{"city":"example","unit":"celsius"}',
      call_id: expect.stringMatching(/^call_/),
      name: 'get_weather',
    });
  });

  it('raises its typed errors for status faults, with the Retry-After the fault named', async () => {
    const error = await client.responses
      .create({ model: 'gpt-4o', input: 'hi' }, fault('status:429;retry-after=3'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).code).toBe('rate_limit_exceeded');
    expect((error as RateLimitError).headers.get('retry-after')).toBe('3');
  });

  it('raises an APIError for the in-band error event', async () => {
    const stream = await client.responses.create(
      { model: 'gpt-4o', input: 'hello there, world', stream: true },
      fault('error-frame:2'),
    );
    const deltas: string[] = [];
    const error = await (async () => {
      for await (const event of stream)
        if (event.type === 'response.output_text.delta') deltas.push(event.delta);
    })().catch((caught: unknown) => caught);
    expect(deltas).toEqual(['echo', ':']);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toMatch(/An error occurred while processing your request/);
  });

  it('reports a content-filtered response as incomplete', async () => {
    const response = await client.responses.create(
      { model: 'gpt-4o', input: 'hello there, world' },
      fault('content-filter:2'),
    );
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'content_filter' });
    expect(response.output_text).toBe('echo:');
  });

  it("rejects a bad request with OpenAI's own 400 bodies", async () => {
    const post = (body: unknown) =>
      fetch(`${chaos.url}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }).then(async (res) => ({
        status: res.status,
        body: (await res.json()) as { error: { message: string } },
      }));
    expect(await post({ input: 'hi' })).toEqual({
      status: 400,
      body: {
        error: {
          message: "Missing required parameter: 'model'.",
          type: 'invalid_request_error',
          param: 'model',
          code: 'missing_required_parameter',
        },
      },
    });
    expect(await post({ model: 'gpt-4o', input: 'hi', max_output_tokens: 5 })).toEqual({
      status: 400,
      body: {
        error: {
          message:
            "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 5 instead.",
          type: 'invalid_request_error',
          param: 'max_output_tokens',
          code: 'integer_below_min_value',
        },
      },
    });
    expect((await post('{not json')).body.error.message).toMatch(/^We could not parse the JSON body/);
    const typed = await client.responses
      .create({ model: 'gpt-4o', input: 42 as unknown as string })
      .catch((caught: unknown) => caught);
    expect(typed).toBeInstanceOf(BadRequestError);
    expect((typed as BadRequestError).param).toBe('input');
  });
});
