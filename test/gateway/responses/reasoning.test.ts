/**
 * Claude's thinking through /v1/responses, as Codex uses it: `store: false` with
 * `include: ["reasoning.encrypted_content"]`. The answer's reasoning item carries the thinking as its
 * summary and the signature in `encrypted_content`; sent back on the next turn, it reaches Claude as a
 * signed thinking block. The chaos emulator writes no thinking, so the upstream replays recorded
 * Anthropic answers (pydantic-ai's cassettes).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';
import { type CassetteServer, loadCassette, serveCassette } from '../../support/cassette-server.ts';

const CASSETTE = 'test_anthropic_model_thinking_part';
let upstream: CassetteServer;
let streamed: CassetteServer;
let gateway: Gateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = await serveCassette(loadCassette('test_anthropic', CASSETTE));
  streamed = await serveCassette(loadCassette('test_anthropic', `${CASSETTE}_stream`).slice(0, 1));
  gateway = await startGateway({
    config: {
      providers: {
        anthropic: { type: 'anthropic', baseUrl: upstream.url },
        streamed: { type: 'anthropic', baseUrl: streamed.url },
      },
      routes: {
        signed: { models: ['anthropic:claude-sonnet-4-0'], breaker: false },
        'signed-stream': { models: ['streamed:claude-sonnet-4-0'], breaker: false },
      },
    },
    port: 0,
    env: {},
    log: () => {},
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
  await Promise.all([upstream?.close(), streamed?.close()]);
});

/** The recorded first answer's thinking, signature and text. */
function recorded(): { thinking: string; signature: string; text: string } {
  const body = JSON.parse(loadCassette('test_anthropic', CASSETTE)[0]!.response.body as string);
  const result = { thinking: '', signature: '', text: '' };
  for (const block of body.content) {
    if (block.type === 'thinking') {
      result.thinking += block.thinking;
      result.signature += block.signature;
    }
    if (block.type === 'text') result.text += block.text;
  }
  return result;
}

const question = 'How do I cross the street?';

describe("Claude's thinking through /v1/responses", () => {
  it('comes out as a reasoning item, and goes back to Claude signed on the next turn', async () => {
    const { thinking, signature, text } = recorded();
    const first = await client.responses.create({
      model: 'signed',
      input: question,
      store: false,
      include: ['reasoning.encrypted_content'],
      reasoning: { effort: 'low', summary: 'auto' },
    });
    expect(first.output[0]).toMatchObject({
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: thinking }],
      encrypted_content: `us1.anthropic.t.${signature}`,
    });
    expect(first.output_text).toBe(text);
    // effort reached Claude as extended thinking.
    expect((upstream.received[0]!.body as { thinking?: unknown }).thinking).toBeDefined();
    const second = await client.responses.create({
      model: 'signed',
      store: false,
      include: ['reasoning.encrypted_content'],
      reasoning: { effort: 'low' },
      input: [
        { role: 'user', content: question },
        ...first.output,
        {
          role: 'user',
          content: 'Considering the way to cross the street, analogously, how do I cross the river?',
        },
      ] as OpenAI.Responses.ResponseInput,
    });
    expect(second.output_text).not.toBe('');
    const sent = upstream.received[1]!.body as { messages: unknown[] };
    expect(sent.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking, signature },
        { type: 'text', text },
      ],
    });
  });

  it('streams the thinking as reasoning_summary_text deltas, signature in the done item', async () => {
    const stream = client.responses.stream({
      model: 'signed-stream',
      input: question,
      include: ['reasoning.encrypted_content'],
      reasoning: { effort: 'low' },
    });
    let summary = '';
    let done: Record<string, unknown> | undefined;
    for await (const event of stream) {
      if (event.type === 'response.reasoning_summary_text.delta') summary += event.delta;
      if (event.type === 'response.output_item.done' && event.item.type === 'reasoning')
        done = event.item as unknown as Record<string, unknown>;
    }
    expect(summary.length).toBeGreaterThan(50);
    expect(done).toMatchObject({ summary: [{ type: 'summary_text', text: summary }] });
    expect(String(done!.encrypted_content)).toMatch(/^us1\.streamed\.t\..{20,}/);
    const final = await stream.finalResponse();
    expect(final.output[0]).toEqual(done);
  });
});
