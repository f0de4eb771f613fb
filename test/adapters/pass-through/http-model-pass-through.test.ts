/**
 * A model given a PassThroughRequest of its own protocol sends it instead of building a body, and gives
 * the upstream's answer back beside the parsed one: the whole body, or each stream event's frames and
 * the frames after the last event. A model of another protocol ignores it.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { AnthropicModel } from '../../../src/adapters/anthropic/model.ts';
import { GoogleModel } from '../../../src/adapters/google/model.ts';
import { OpenAIChatModel } from '../../../src/adapters/openai-chat/model.ts';
import { OpenAIResponsesModel } from '../../../src/adapters/openai-responses/model.ts';
import { userPrompt } from '../../../src/core/messages.ts';
import { defaultRequestParameters, type PassThroughRequest } from '../../../src/core/model.ts';
import { localProvider } from '../../support/local-provider.ts';
import {
  type RecordingUpstream,
  sseFrames,
  startRecordingUpstream,
} from '../../support/recording-upstream.ts';

const FRAMES = sseFrames([
  [
    'message_start',
    {
      type: 'message_start',
      message: { id: 'msg_1', model: 'claude-x', content: [], usage: { input_tokens: 7, output_tokens: 1 } },
    },
  ],
  [
    'content_block_start',
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  ],
  ['ping', { type: 'ping' }],
  [
    'content_block_delta',
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
  ],
  ['content_block_stop', { type: 'content_block_stop', index: 0 }],
  [
    'message_delta',
    { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } },
  ],
  ['message_stop', { type: 'message_stop' }],
]);
const WHOLE =
  '{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","usage":{"input_tokens":7,"output_tokens":2},"future":{"field":1}}';

let upstream: RecordingUpstream;
let claude: AnthropicModel;

beforeAll(async () => {
  upstream = await startRecordingUpstream({ json: () => WHOLE, sse: () => FRAMES });
  const provider = localProvider(upstream, {
    name: 'anthropic',
    protocol: 'anthropic',
    headers: { 'x-api-key': 'sk-provider', 'anthropic-version': '2023-06-01' },
  });
  claude = new AnthropicModel('claude-x', { provider });
});
afterAll(() => upstream?.close());

const messages = [{ kind: 'request' as const, parts: [userPrompt('ignored: the client body is sent')] }];

function params(body: string): ReturnType<typeof defaultRequestParameters> {
  const passThrough: PassThroughRequest = {
    protocol: 'anthropic-messages',
    headers: { 'anthropic-beta': 'context-management-2025-06-27', 'anthropic-version': '2099-01-01' },
    body: (model) => body.replace('"model":"client"', `"model":${JSON.stringify(model)}`),
  };
  return { ...defaultRequestParameters(), passThrough };
}

test('a whole answer: the client body and headers sent, the raw body kept beside the parsed response', async () => {
  const body = '{"model":"client","max_tokens":5,"messages":[{"role":"user","content":"Hi"}],"unknown":[1]}';
  const response = await claude.request(messages, { extraHeaders: { 'x-route': 'r' } }, params(body));
  const sent = upstream.requests.at(-1)!;
  expect(sent.body).toBe(body.replace('"client"', '"claude-x"'));
  expect(sent.headers).toMatchObject({
    'x-api-key': 'sk-provider',
    'anthropic-version': '2099-01-01',
    'anthropic-beta': 'context-management-2025-06-27',
    'x-route': 'r',
  });
  expect(response.raw).toBe(WHOLE);
  expect(response.parts).toEqual([{ partKind: 'text', content: 'Hi' }]);
  expect(response.usage).toMatchObject({ inputTokens: 7, outputTokens: 2 });
});

test("a route's extraBody is the one body change besides the model", async () => {
  const body = '{"model":"client","max_tokens":5,"messages":[]}';
  await claude.request(messages, { extraBody: { service_tier: 'auto' } }, params(body));
  expect(JSON.parse(upstream.requests.at(-1)!.body)).toEqual({
    model: 'claude-x',
    max_tokens: 5,
    messages: [],
    service_tier: 'auto',
  });
});

test('a stream: every frame travels on an event, in order, and the last ones in the final response', async () => {
  const body = '{"model":"client","max_tokens":5,"stream":true,"messages":[]}';
  const stream = await claude.requestStream(messages, {}, params(body));
  let forwarded = '';
  const kinds: string[] = [];
  for await (const event of stream) {
    kinds.push(event.kind);
    forwarded += event.raw ?? '';
  }
  const final = stream.get();
  expect(forwarded + final.raw).toBe(FRAMES);
  expect(forwarded).toMatch(/event: content_block_stop\n[^\n]*\n\n$/);
  expect(kinds).toEqual(['part-start', 'part-end']);
  expect(final.usage).toMatchObject({ inputTokens: 7, outputTokens: 2 });
});

test('a model of another protocol, or a host with a dialect, builds its own body', async () => {
  const openai = new OpenAIChatModel('gpt-x', {
    provider: localProvider(upstream, { name: 'openai', protocol: 'openai-chat' }),
  });
  const mistral = new OpenAIChatModel('mistral-x', {
    provider: localProvider(upstream, { name: 'mistral', protocol: 'openai-chat' }),
  });
  expect([claude.wireProtocol, openai.wireProtocol, mistral.wireProtocol]).toEqual([
    'anthropic-messages',
    'openai-chat',
    undefined,
  ]);
});

test('Gemini and Responses streams keep their frames too: the endpoints written next plug into the same tap', async () => {
  const gemini = sseFrames([
    [
      undefined,
      {
        candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, index: 0 }],
        modelVersion: 'gemini-x',
      },
    ],
    [
      undefined,
      {
        candidates: [{ content: { role: 'model', parts: [{ text: '!' }] }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
      },
    ],
  ]);
  const responses = sseFrames([
    [
      'response.created',
      {
        type: 'response.created',
        response: { id: 'resp_1', model: 'gpt-x', status: 'in_progress', output: [] },
      },
    ],
    [
      'response.output_item.added',
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { type: 'message', id: 'msg_1', role: 'assistant', content: [] },
      },
    ],
    [
      'response.output_text.delta',
      { type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'Hi' },
    ],
    [
      'response.output_item.done',
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: {
          type: 'message',
          id: 'msg_1',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hi' }],
        },
      },
    ],
    [
      'response.completed',
      {
        type: 'response.completed',
        response: {
          id: 'resp_1',
          model: 'gpt-x',
          status: 'completed',
          output: [],
          usage: { input_tokens: 3, output_tokens: 1, total_tokens: 4 },
        },
      },
    ],
  ]);
  const cases = [
    {
      model: new GoogleModel('gemini-x', {
        provider: localProvider(upstream, { name: 'google-gla', protocol: 'google' }),
      }),
      protocol: 'gemini',
      frames: gemini,
    },
    {
      model: new OpenAIResponsesModel('gpt-x', {
        provider: localProvider(upstream, { name: 'openai', protocol: 'openai-responses' }),
      }),
      protocol: 'openai-responses',
      frames: responses,
    },
  ];
  for (const { model, protocol, frames } of cases) {
    upstream.answer({ json: () => '{}', sse: () => frames });
    const passThrough: PassThroughRequest = { protocol, headers: {}, body: () => '{"stream":true}' };
    const stream = await model.requestStream(messages, {}, { ...defaultRequestParameters(), passThrough });
    let forwarded = '';
    for await (const event of stream) forwarded += event.raw ?? '';
    expect(forwarded + (stream.get().raw ?? '')).toBe(frames);
  }
});
