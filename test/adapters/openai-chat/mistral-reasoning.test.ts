/**
 * Mistral's reasoning models (Magistral, and mistral-small/medium with `reasoning_effort`) answer with
 * `content` as typed chunks, whole and streamed, and take their thinking back as chunks in the next turn.
 * Bodies are written by hand from Mistral's documentation — the reasoning guide
 * (https://docs.mistral.ai/capabilities/reasoning/), its chunk schemas (ThinkChunk, TextChunk,
 * ReferenceChunk in https://docs.mistral.ai/api/) and the SDK's reasoning_with_streaming example, whose
 * deltas are chunk arrays while thinking and plain strings after — and served from a local host.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { UnexpectedModelBehavior } from '../../../src/core/errors/index.ts';
import { type ModelMessage, type ModelResponse, userPrompt } from '../../../src/core/messages.ts';
import { FallbackModel } from '../../../src/fallback/fallback-model.ts';
import { inferModel } from '../../../src/registry/infer-model.ts';
import { useScriptedChatServer } from '../../support/scripted-chat-server.ts';

const server = useScriptedChatServer();
const env = { MISTRAL_API_KEY: 'mistral-test-key', OPENAI_API_KEY: 'sk-test' };
const magistral = () => inferModel('mistral:magistral-medium-latest', { baseUrl: server.baseUrl, env });
const gpt = () => inferModel('openai:gpt-4o', { baseUrl: server.baseUrl, env });

// The reasoning guide's example question.
const QUESTION =
  'John is one of 4 children. The first sister is 4 years old. Next year, the second sister will be twice as old as the first sister. The third sister is two years older than the second sister. The third sister is half the age of her older brother. How old is John?';
const THINKING =
  'Next year the first sister is 5, so the second will be 10: she is 9 now. The third is 11, John 22.';
const ANSWER = 'John is 22 years old.';
const ask: ModelMessage[] = [{ kind: 'request', parts: [userPrompt(QUESTION)] }];

const completion = (content: unknown[]) => ({
  id: 'a7e2c1d5b3f94e0c8d6a2b4c9e1f3a5d',
  object: 'chat.completion',
  model: 'magistral-medium-2509',
  created: 1757000000,
  choices: [
    {
      index: 0,
      finish_reason: 'stop',
      message: { role: 'assistant', tool_calls: null, prefix: false, content },
    },
  ],
  usage: { prompt_tokens: 75, completion_tokens: 310, total_tokens: 385 },
});
const thinkChunk = (text: string) => ({ type: 'thinking', thinking: [{ type: 'text', text }], closed: true });
const magistralAnswer = completion([thinkChunk(THINKING), { type: 'text', text: ANSWER }]);

const frame = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: 'b9c3d2e1f0a94b8c7d6e5f4a3b2c1d0e',
  object: 'chat.completion.chunk',
  created: 1757000001,
  model: 'magistral-medium-2509',
  choices: [{ index: 0, delta, finish_reason: null }],
  ...extra,
});
const magistralStream = [
  frame({ role: 'assistant', content: '' }),
  frame({
    content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Next year the first sister is 5, ' }] }],
  }),
  frame({
    content: [
      { type: 'thinking', thinking: [{ type: 'text', text: 'so the second will be 10: she is 9 now. ' }] },
    ],
  }),
  frame({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'The third is 11, John 22.' }] }] }),
  // The transition frame closes the thinking and opens the answer in one array.
  frame({
    content: [
      { type: 'thinking', thinking: [], closed: true },
      { type: 'text', text: 'John is ' },
    ],
  }),
  frame({ content: '22 years old.' }),
  {
    ...frame({ content: '' }),
    choices: [{ index: 0, delta: { content: '' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 75, completion_tokens: 310, total_tokens: 385 },
  },
];

const thinkingAndText = [
  { partKind: 'thinking', content: THINKING, providerName: 'mistral' },
  { partKind: 'text', content: ANSWER },
];

async function streamed(model: ReturnType<typeof inferModel>): Promise<ModelResponse> {
  const stream = await model.requestStream(ask);
  for await (const _ of stream);
  return stream.get();
}

describe('reading Magistral answers', () => {
  test('a whole answer: the thinking chunk becomes a thinking part, the text chunk the text', async () => {
    server.reply({ json: magistralAnswer });
    const response = await magistral().request(ask);
    expect(response.parts).toEqual(thinkingAndText);
    expect(response).toMatchObject({
      providerName: 'mistral',
      finishReason: 'stop',
      modelName: 'magistral-medium-2509',
    });
    expect(response.usage).toMatchObject({ inputTokens: 75, outputTokens: 310 });
  });

  test('a stream: chunk arrays while thinking, then plain strings, give the same two parts', async () => {
    server.reply({ sse: magistralStream });
    const stream = await magistral().requestStream(ask);
    const kinds: string[] = [];
    for await (const event of stream) kinds.push(`${event.kind}:${event.index}`);
    expect(stream.get().parts).toEqual(thinkingAndText);
    expect(kinds).toEqual([
      'part-start:0',
      'part-delta:0',
      'part-delta:0',
      'part-start:1',
      'part-delta:1',
      'part-end:0',
      'part-end:1',
    ]);
  });

  test('through a FallbackModel: OpenAI fails with 503, Magistral answers whole and streamed', async () => {
    const fallback = new FallbackModel(gpt(), magistral());
    const overloaded = { json: { error: { message: 'overloaded', type: 'server_error' } }, status: 503 };
    server.reply(overloaded, { json: magistralAnswer });
    const whole = await fallback.request(ask);
    expect(whole.parts).toEqual(thinkingAndText);
    expect(whole.attempts?.map((attempt) => attempt.outcome)).toEqual(['error', 'ok']);

    server.reply(overloaded, { sse: magistralStream });
    expect((await streamed(fallback)).parts).toEqual(thinkingAndText);
  });
});

describe('sending Magistral thinking back', () => {
  const followUp = userPrompt('And how old will he be in 5 years?');

  test("the next turn's assistant message is a thinking chunk and a text chunk, as Mistral documents", async () => {
    server.reply({ json: magistralAnswer }, { json: completion([{ type: 'text', text: '27.' }]) });
    const model = magistral();
    const first = await model.request(ask);
    await model.request([...ask, first, { kind: 'request', parts: [followUp] }]);
    const body = server.requests.at(-1) as { messages: unknown[] };
    expect(body.messages).toEqual([
      { role: 'user', content: QUESTION },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: [{ type: 'text', text: THINKING }] },
          { type: 'text', text: ANSWER },
        ],
      },
      { role: 'user', content: followUp.content },
    ]);
  });

  test("after a fallback from Mistral to OpenAI, OpenAI gets the answer as a string and none of Mistral's thinking", async () => {
    server.reply({ json: magistralAnswer });
    const first = await magistral().request(ask);
    server.reply({
      json: {
        ...completion([]),
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '27.' } }],
      },
    });
    await gpt().request([...ask, first, { kind: 'request', parts: [followUp] }]);
    const body = server.requests.at(-1) as { messages: unknown[] };
    expect(body.messages[1]).toEqual({ role: 'assistant', content: ANSWER });
    expect(JSON.stringify(body)).not.toContain('thinking');
  });
});

describe('chunks Understudy cannot read', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });
  // emitWarning delivers on a later tick.
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  test('a whole answer keeps its thinking and text and warns once, naming the skipped chunk type', async () => {
    const withReference = completion([
      thinkChunk(THINKING),
      { type: 'text', text: ANSWER },
      { type: 'reference', reference_ids: [0, 2] },
    ]);
    server.reply({ json: withReference }, { json: withReference });
    expect((await magistral().request(ask)).parts).toEqual(thinkingAndText);
    expect((await magistral().request(ask)).parts).toEqual(thinkingAndText);
    await settle();
    expect(warnings.map((warning) => warning.message)).toEqual([
      expect.stringContaining("Skipped a content chunk of type 'reference' in an answer from mistral"),
    ]);
    expect(warnings[0]).toMatchObject({
      name: 'UnderstudyWarning',
      code: 'UNDERSTUDY_SKIPPED_CONTENT_CHUNK',
    });
  });

  test('a stream goes on past an unknown chunk type, and an unknown inner thinking chunk', async () => {
    const [opening, ...rest] = magistralStream;
    server.reply({
      sse: [
        opening,
        frame({ content: [{ type: 'input_audio', input_audio: 'UklGRg==' }] }),
        frame({ content: [{ type: 'thinking', thinking: [{ type: 'reference', reference_ids: [1] }] }] }),
        ...rest,
      ],
    });
    expect((await streamed(magistral())).parts).toEqual(thinkingAndText);
    await settle();
    const skipped = warnings.map((warning) => /type '([^']+)'/.exec(warning.message)?.[1]);
    expect(skipped).toEqual(['input_audio', 'thinking.reference']);
  });

  test('an array holding something that is not a chunk is a malformed answer, not a guess', async () => {
    server.reply({ json: completion([thinkChunk(THINKING), 'John is 22.']) });
    const error = await magistral()
      .request(ask)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnexpectedModelBehavior);
    expect(error).toMatchObject({
      kind: 'server',
      message: expect.stringContaining('magistral-medium-latest: response body is not a chat completion'),
    });
    // The cause names the field and what was wrong with it.
    const cause = (error as { cause: { issues: Array<{ path: unknown[] }> } }).cause;
    expect(cause.issues[0]?.path).toEqual(['choices', 0, 'message', 'content']);
    expect(JSON.stringify(cause.issues)).toContain('expected object, received string');
  });
});
