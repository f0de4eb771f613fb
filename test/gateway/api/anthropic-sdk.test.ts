import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startFixture } from './fixture.ts';

let fixture: GatewayFixture;
let client: Anthropic;

beforeAll(async () => {
  fixture = await startFixture();
  client = new Anthropic({ baseURL: fixture.gateway.url, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => fixture.close());

const messages = [{ role: 'user' as const, content: 'hello there' }];

describe('POST /v1/messages with the official @anthropic-ai/sdk client', () => {
  it('falls back and answers in the Messages shape', async () => {
    const { data, response } = await client.messages
      .create({ model: 'main', max_tokens: 100, messages })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.id).toMatch(/^msg_/);
    expect(data.role).toBe('assistant');
    expect(data.model).toBe('b:claude-sonnet-4-5');
    expect(data.content).toEqual([{ type: 'text', text: 'echo: hello there' }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage).toMatchObject({ input_tokens: 2, output_tokens: 4 });
    expect(response.headers.get('x-understudy-fallbacks')).toBe('1');
  });

  it('streams the full event sequence, assembled by the SDK into the final message', async () => {
    const stream = client.messages.stream({ model: 'main', max_tokens: 100, messages });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'echo: hello there' }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(4);
    expect(types[0]).toBe('message_start');
    expect(types.slice(1, 2)).toEqual(['content_block_start']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  });

  it('sends ping after message_start on the wire, in an answer translated from another protocol', async () => {
    const response = await fetch(`${fixture.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'a:gpt-4o-mini', max_tokens: 50, stream: true, messages }),
    });
    const events = [...(await response.text()).matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(events.slice(0, 3)).toEqual(['message_start', 'ping', 'content_block_start']);
    expect(events.at(-1)).toBe('message_stop');
  });

  it('answers 503 overloaded_error with the attempt summary when every model is overloaded', async () => {
    const error = (await client.messages
      .create({ model: 'unavailable', max_tokens: 50, messages })
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error.status).toBe(503);
    expect(error.error).toMatchObject({
      type: 'error',
      error: {
        type: 'overloaded_error',
        attempts: [
          { model: 'a:down', kind: 'overloaded', status: 503 },
          { model: 'b:claude-down', kind: 'overloaded', status: 529 },
        ],
      },
    });
  });

  it('ends a stream that breaks after commit with event: error, which the SDK raises', async () => {
    const response = await fetch(`${fixture.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'broken-anthropic', max_tokens: 50, stream: true, messages }),
    });
    const text = await response.text();
    expect(text).not.toContain('message_stop');
    const lastFrame = text.trim().split('\n\n').at(-1)!;
    expect(lastFrame.split('\n')[0]).toBe('event: error');
    expect(JSON.parse(lastFrame.split('\n')[1]!.slice('data: '.length))).toMatchObject({
      type: 'error',
      error: { type: expect.any(String) },
    });

    const stream = client.messages.stream({ model: 'broken-anthropic', max_tokens: 50, messages });
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIError);
  });

  it('rejects a missing max_tokens naming the field, in Anthropic error shape', async () => {
    const response = await fetch(`${fixture.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'main', messages }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^Invalid request: max_tokens: /);
  });
});
