/**
 * The Anthropic emulator held to the official `@anthropic-ai/sdk` client: answers accepted as the real
 * service's, faults surfaced as the client's own typed errors.
 */
import Anthropic, { type APIError, type RateLimitError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';

let chaos: ChaosServer;
let client: Anthropic;
const base = {
  model: 'claude-sonnet-5',
  max_tokens: 100,
  messages: [{ role: 'user' as const, content: 'hello there, world' }],
};
const cityTool = {
  name: 'final_result',
  input_schema: {
    type: 'object' as const,
    properties: { city: { type: 'string' }, population: { type: 'integer' } },
    required: ['city', 'population'],
  },
};

beforeAll(async () => {
  chaos = await startChaosServer({ protocol: 'anthropic', hangCapMs: 2_000 });
  client = new Anthropic({
    baseURL: chaos.url,
    apiKey: 'sk-ant-test',
    maxRetries: 0,
    timeout: 2_000,
  });
});
afterAll(() => chaos.close());

const withFault = (fault: string) => ({ headers: { 'x-chaos': fault } });

async function collect(fault?: string, extra: Partial<Anthropic.MessageCreateParamsStreaming> = {}) {
  const stream = await client.messages.create(
    { ...base, stream: true, ...extra },
    fault ? withFault(fault) : {},
  );
  const events: Anthropic.RawMessageStreamEvent[] = [];
  let error: unknown;
  try {
    for await (const event of stream) events.push(event);
  } catch (caught) {
    error = caught;
  }
  const text = events
    .map((event) =>
      event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? event.delta.text : '',
    )
    .join('');
  const stop = events.find((event) => event.type === 'message_delta')?.delta.stop_reason;
  return { events, text, stop, error };
}

describe('answers', () => {
  it('echoes the last user message as a message object', async () => {
    const message = await client.messages.create(base);
    expect(message.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
    expect(message.model).toBe('claude-sonnet-5');
    expect(message.content).toEqual([{ type: 'text', text: 'echo: hello there, world' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 4, output_tokens: 6 });
  });

  it('streams the recorded event sequence and the SDK assembles the final message', async () => {
    const { events, text, stop, error } = await collect();
    expect(error).toBeUndefined();
    expect(text).toBe('echo: hello there, world');
    expect(stop).toBe('end_turn');
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      ...Array(6).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const final = await client.messages.stream(base).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'echo: hello there, world' }]);
    expect(final.usage.output_tokens).toBe(6);
  });

  it('calls the tool with schema-built input, streamed as input_json_delta', async () => {
    const message = await client.messages.create({ ...base, tools: [cityTool] });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_01/),
        name: 'final_result',
        input: { city: 'example', population: 1 },
      },
    ]);
    const final = await client.messages.stream({ ...base, tools: [cityTool] }).finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'tool_use', input: { city: 'example', population: 1 } });
  });

  it('answers with text once a tool result is in the conversation', async () => {
    const message = await client.messages.create({
      ...base,
      tools: [cityTool],
      messages: [
        ...base.messages,
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'final_result', input: {} }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'Paris' }] },
      ],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'echo: hello there, world' }]);
  });

  it('rejects a request without max_tokens with Anthropic 400 body', async () => {
    const { max_tokens: _, ...noMax } = base;
    const error = (await client.messages
      .create(noMax as Anthropic.MessageCreateParamsNonStreaming)
      .catch((caught: unknown) => caught)) as APIError;
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error.error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
    });
  });
});

describe('status faults', () => {
  const cases: [string, unknown, string][] = [
    ['status:400;context-length', Anthropic.BadRequestError, 'invalid_request_error'],
    ['status:401', Anthropic.AuthenticationError, 'authentication_error'],
    ['status:403', Anthropic.PermissionDeniedError, 'permission_error'],
    ['status:404', Anthropic.NotFoundError, 'not_found_error'],
    ['status:429', Anthropic.RateLimitError, 'rate_limit_error'],
    ['status:500', Anthropic.InternalServerError, 'api_error'],
    ['status:529', Anthropic.OverloadedError, 'overloaded_error'],
  ];
  for (const [fault, errorClass, type] of cases) {
    it(`${fault} → ${(errorClass as { name: string }).name} (stream and not)`, async () => {
      for (const stream of [false, true]) {
        const error = (await client.messages
          .create({ ...base, stream }, withFault(fault))
          .catch((caught: unknown) => caught)) as APIError;
        expect(error).toBeInstanceOf(errorClass);
        expect((error.error as { error: { type: string } }).error.type).toBe(type);
      }
    });
  }

  it('429 carries retry-after and the anthropic-ratelimit reset time', async () => {
    const before = Date.now();
    const error = (await client.messages
      .create(base, withFault('status:429;retry-after=30'))
      .catch((caught: unknown) => caught)) as RateLimitError;
    expect(error.headers?.get('retry-after')).toBe('30');
    const reset = Date.parse(error.headers?.get('anthropic-ratelimit-requests-reset') ?? '');
    expect(reset - before).toBeGreaterThan(28_000);
    expect(reset - before).toBeLessThan(32_000);
  });
});

describe('transport and stream faults', () => {
  it('reset → APIConnectionError', async () => {
    const error = await client.messages.create(base, withFault('reset')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIConnectionError);
  });

  it('hang → APIConnectionTimeoutError', async () => {
    const error = await client.messages
      .create(base, { ...withFault('hang'), timeout: 100 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  for (const at of [0, 2]) {
    it(`error-frame:${at} → event: error with overloaded_error after ${at} tokens`, async () => {
      const { text, error } = await collect(`error-frame:${at}`);
      expect(text).toBe(['', 'echo', ':'].slice(0, at + 1).join(''));
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect((error as APIError).error).toEqual({
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
      });
    });
  }

  it('cut-after:2;clean ends without message_delta or message_stop', async () => {
    const { events, text, stop, error } = await collect('cut-after:2;clean');
    expect(error).toBeUndefined();
    expect(text).toBe('echo:');
    expect(stop).toBeUndefined();
    expect(events.some((event) => event.type === 'message_stop')).toBe(false);
  });

  it('cut-after:2 drops the connection mid-body', async () => {
    const { text, error } = await collect('cut-after:2');
    expect(text).toBe('echo:');
    expect(error).toBeInstanceOf(Error);
  });

  it('content-filter stops with refusal', async () => {
    const message = await client.messages.create(base, withFault('content-filter:1'));
    expect(message.stop_reason).toBe('refusal');
    expect(message.content).toEqual([{ type: 'text', text: 'echo' }]);
    expect((await collect('content-filter')).stop).toBe('refusal');
  });

  it('empty answers with no content blocks', async () => {
    const message = await client.messages.create(base, withFault('empty'));
    expect(message.content).toEqual([]);
    const { events } = await collect('empty');
    expect(events.map((event) => event.type)).toEqual(['message_start', 'message_delta', 'message_stop']);
  });

  it('malformed sends an event whose data is not JSON', async () => {
    const { error } = await collect('malformed');
    expect(error).toBeInstanceOf(Error);
  });

  it('requires the anthropic-version header, as the real API does', async () => {
    const response = await fetch(`${chaos.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(base),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toEqual({
      type: 'invalid_request_error',
      message: 'anthropic-version: header is required',
    });
  });

  it('counts tokens at /v1/messages/count_tokens as the call would bill them', async () => {
    const { messages, model } = base;
    const count = await client.messages.countTokens({ model, system: 'be brief', messages });
    const answer = await client.messages.create(base);
    // 'be brief' is 2 tokens of system prompt; the message alone is what the call reports.
    expect(count).toEqual({ input_tokens: answer.usage.input_tokens + 2 });
  });

  it("refuses a count without messages with Anthropic's 400 body", async () => {
    const error = (await client.messages
      .countTokens({ model: base.model } as Anthropic.MessageCountTokensParams)
      .catch((e: unknown) => e)) as APIError;
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({
      error: { type: 'invalid_request_error', message: 'messages: Field required' },
    });
  });
});
