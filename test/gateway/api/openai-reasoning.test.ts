/**
 * Claude's thinking reaching an OpenAI-protocol client: the official `openai` client asks the gateway with
 * `reasoning_effort`, an Anthropic upstream answers with thinking, and the client reads it where OpenRouter
 * puts it (`message.reasoning`, streamed `delta.reasoning`), and with its signature in
 * `reasoning_details`, which sent back carries the signed thinking Claude needs on the next turn. The chaos
 * emulator writes no thinking blocks, so the upstream replays real recorded Anthropic answers (pydantic-ai's
 * cassettes).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';
import { type CassetteServer, loadCassette, serveCassette } from '../../support/cassette-server.ts';

// The openai types know nothing of OpenRouter's reasoning fields.
type ReasoningDetail = {
  type: string;
  text?: string;
  signature?: string;
  data?: string;
  format?: string;
  index?: number;
};
type WithReasoning = { reasoning?: string | null; reasoning_details?: ReasoningDetail[] };

/** Each route's upstream replays one recorded answer: the cassette and which of its interactions. */
const CASSETTES = {
  thinking: ['test_anthropic_model_thinking_part', 0],
  'thinking-stream': ['test_anthropic_model_thinking_part_stream', 0],
  redacted: ['test_anthropic_model_thinking_part_redacted', 0],
  'redacted-stream': ['test_anthropic_model_thinking_part_redacted_stream', 0],
  'second-turn': ['test_anthropic_model_thinking_part', 1],
} as const;
type Route = keyof typeof CASSETTES;

const upstreams = {} as Record<Route, CassetteServer>;
let signedUpstream: CassetteServer;
let gateway: Gateway;
let client: OpenAI;

beforeAll(async () => {
  const providers: Record<string, { type: 'anthropic'; baseUrl: string }> = {};
  const routes: Record<string, { models: string[]; breaker: false }> = {};
  for (const route of Object.keys(CASSETTES) as Route[]) {
    const [cassette, index] = CASSETTES[route];
    upstreams[route] = await serveCassette(loadCassette('test_anthropic', cassette).slice(index, index + 1));
    providers[route] = { type: 'anthropic', baseUrl: upstreams[route].url };
    routes[route] = { models: [`${route}:claude-sonnet-4-0`], breaker: false };
  }
  // Both recorded turns, from a provider named `anthropic`: the name whose signatures reasoning_details
  // carry back as Claude's own (format anthropic-claude-v1).
  signedUpstream = await serveCassette(loadCassette('test_anthropic', 'test_anthropic_model_thinking_part'));
  providers.anthropic = { type: 'anthropic', baseUrl: signedUpstream.url };
  routes.signed = { models: ['anthropic:claude-sonnet-4-0'], breaker: false };
  gateway = await startGateway({ config: { providers, routes }, port: 0, env: {}, log: () => {} });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
  await Promise.all([...Object.values(upstreams), signedUpstream].map((upstream) => upstream?.close()));
});

const messages = [{ role: 'user' as const, content: 'How do I cross the street?' }];

/** The recorded answer's blocks, from the JSON body or from the SSE frames of a stream. */
function recordedThinking(route: Route): { thinking: string; signature: string; text: string } {
  const [cassette, index] = CASSETTES[route];
  const body = loadCassette('test_anthropic', cassette)[index]!.response.body as string;
  let thinking = '';
  let signature = '';
  let text = '';
  if (body.trimStart().startsWith('{')) {
    for (const block of JSON.parse(body).content) {
      if (block.type === 'thinking') {
        thinking += block.thinking;
        signature += block.signature;
      }
      if (block.type === 'text') text += block.text;
    }
    return { thinking, signature, text };
  }
  for (const line of body.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const event = JSON.parse(line.slice('data: '.length));
    if (event.delta?.type === 'thinking_delta') thinking += event.delta.thinking;
    if (event.delta?.type === 'signature_delta') signature += event.delta.signature;
    if (event.delta?.type === 'text_delta') text += event.delta.text;
  }
  return { thinking, signature, text };
}

async function streamDeltas(route: Route): Promise<Array<{ content?: string | null } & WithReasoning>> {
  const stream = await client.chat.completions.create({
    model: route,
    messages,
    reasoning_effort: 'low',
    stream: true,
  });
  const deltas: Array<{ content?: string | null } & WithReasoning> = [];
  for await (const chunk of stream)
    if (chunk.choices[0]) deltas.push(chunk.choices[0].delta as WithReasoning);
  return deltas;
}

describe("Claude's thinking through the OpenAI endpoint, read by the official openai client", () => {
  it('a whole answer carries the thinking as message.reasoning', async () => {
    const recorded = recordedThinking('thinking');
    expect(recorded.thinking.length).toBeGreaterThan(50);
    const data = await client.chat.completions.create({
      model: 'thinking',
      messages,
      reasoning_effort: 'low',
    });
    const message = data.choices[0]!.message;
    expect((message as WithReasoning).reasoning).toBe(recorded.thinking);
    expect(message.content).toBe(recorded.text);
    // reasoning_effort reached Claude as extended thinking.
    const sent = upstreams.thinking.received[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect((sent.body as { thinking?: { type: string } }).thinking?.type).toBe('enabled');
  });

  it('a stream carries it as delta.reasoning chunks and reasoning_details, before the content as sent', async () => {
    const recorded = recordedThinking('thinking-stream');
    expect(recorded.thinking.length).toBeGreaterThan(50);
    const deltas = await streamDeltas('thinking-stream');
    const reasoningAt = deltas.flatMap((delta, i) => (delta.reasoning ? [i] : []));
    const contentAt = deltas.flatMap((delta, i) => (delta.content ? [i] : []));
    expect(reasoningAt.length).toBeGreaterThan(1);
    expect(reasoningAt.at(-1)!).toBeLessThan(contentAt[0]!);
    expect(reasoningAt.map((i) => deltas[i]!.reasoning).join('')).toBe(recorded.thinking);
    expect(contentAt.map((i) => deltas[i]!.content).join('')).toBe(recorded.text);

    // reasoning_details say it too, with Claude's signature last in its own chunk, before the content.
    expect(recorded.signature.length).toBeGreaterThan(50);
    const detailAt = deltas.flatMap((delta, i) => (delta.reasoning_details ? [i] : []));
    const items = detailAt.flatMap((i) => deltas[i]!.reasoning_details!);
    expect(items.every((item) => item.type === 'reasoning.text')).toBe(true);
    expect(items.map((item) => item.text ?? '').join('')).toBe(recorded.thinking);
    expect(items.at(-1)).toEqual({
      type: 'reasoning.text',
      signature: recorded.signature,
      format: 'unknown', // a provider named 'thinking-stream' is not the gateway's `anthropic`
      index: 0,
    });
    expect(deltas[detailAt.at(-1)!]!.reasoning).toBeUndefined();
    expect(detailAt.at(-1)!).toBeLessThan(deltas.findIndex((delta) => delta.content));
  });

  it('redacted thinking shows nothing readable, whole or streamed', async () => {
    const data = await client.chat.completions.create({
      model: 'redacted',
      messages,
      reasoning_effort: 'low',
    });
    expect((data.choices[0]!.message as WithReasoning).reasoning).toBeNull();
    // Its encrypted data is kept where the client sends it back from.
    const [encrypted] = (data.choices[0]!.message as WithReasoning).reasoning_details!;
    expect(encrypted).toMatchObject({ type: 'reasoning.encrypted', index: 0 });
    expect(encrypted!.data!.length).toBeGreaterThan(50);
    expect(data.choices[0]!.message.content).not.toBe('');
    const deltas = await streamDeltas('redacted-stream');
    expect(deltas.filter((delta) => delta.reasoning !== undefined)).toEqual([]);
    // Claude sent two redacted blocks; each is one item of its own index.
    expect(
      deltas.flatMap((delta) => delta.reasoning_details ?? []).map(({ type, index }) => ({ type, index })),
    ).toEqual([
      { type: 'reasoning.encrypted', index: 0 },
      { type: 'reasoning.encrypted', index: 1 },
    ]);
    expect(deltas.map((delta) => delta.content ?? '').join('')).not.toBe('');
  });

  it('reasoning sent back in the history, as OpenRouter clients do, reaches Claude as <thinking> text', async () => {
    // Unsigned, it cannot go back as a thinking block; the Anthropic adapter's rule for foreign thinking.
    const history = [
      ...messages,
      { role: 'assistant', content: 'Look both ways.', reasoning: 'Pedestrian safety.' },
      { role: 'user', content: 'And a river?' },
    ] as OpenAI.ChatCompletionMessageParam[];
    const data = await client.chat.completions.create({ model: 'second-turn', messages: history });
    expect(data.choices[0]!.message.content).not.toBe('');
    const sent = upstreams['second-turn'].received[0]!.body as { messages: unknown[] };
    expect(sent.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: '<thinking>\nPedestrian safety.\n</thinking>' },
        { type: 'text', text: 'Look both ways.' },
      ],
    });
  });

  it("Claude's signed thinking, sent back as reasoning_details, reaches Claude as a signed thinking block", async () => {
    const recorded = recordedThinking('thinking');
    const first = await client.chat.completions.create({
      model: 'signed',
      messages,
      reasoning_effort: 'low',
    });
    const answer = first.choices[0]!.message as OpenAI.ChatCompletionMessage & WithReasoning;
    expect(answer.reasoning_details).toEqual([
      {
        type: 'reasoning.text',
        text: recorded.thinking,
        signature: recorded.signature,
        format: 'anthropic-claude-v1',
        index: 0,
      },
    ]);
    // The client sends the message back whole, as OpenRouter asks: reasoning and reasoning_details both.
    const history = [
      ...messages,
      {
        role: 'assistant',
        content: answer.content,
        reasoning: answer.reasoning,
        reasoning_details: answer.reasoning_details,
      },
      {
        role: 'user',
        content: 'Considering the way to cross the street, analogously, how do I cross the river?',
      },
    ] as OpenAI.ChatCompletionMessageParam[];
    const second = await client.chat.completions.create({
      model: 'signed',
      messages: history,
      reasoning_effort: 'low',
    });
    expect(second.choices[0]!.message.content).not.toBe('');
    const sent = signedUpstream.received[1]!.body as { messages: unknown[]; thinking?: unknown };
    expect(sent.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: recorded.thinking, signature: recorded.signature },
        { type: 'text', text: recorded.text },
      ],
    });
  });
});
