/**
 * OpenAI content parts beyond text and images: a `file` sent as data is a document for any upstream; what
 * only OpenAI understands (a `file_id`, `input_audio`) goes as it is to an OpenAI upstream and is refused
 * by name for one that would need it translated.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';
import { type RecordingUpstream, startRecordingUpstream } from '../../support/recording-upstream.ts';

let anthropic: RecordingUpstream;
let openai: RecordingUpstream;
let gateway: Gateway;
let client: OpenAI;

beforeAll(async () => {
  anthropic = await startRecordingUpstream({
    json: () =>
      '{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":1}}',
    sse: () => '',
  });
  openai = await startRecordingUpstream({
    json: () =>
      '{"id":"c","object":"chat.completion","created":1,"model":"gpt-x","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}',
    sse: () => '',
  });
  gateway = await startGateway({
    port: 0,
    log: () => {},
    env: {},
    config: {
      providers: {
        claude: { type: 'anthropic', baseUrl: anthropic.url },
        gpt: { type: 'openai', baseUrl: openai.url },
      },
    },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'any', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([anthropic?.close(), openai?.close()]);
});

const PDF = Buffer.from('%PDF-1.4 tiny').toString('base64');

test('a file part sent as data reaches an Anthropic upstream as a document block', async () => {
  await client.chat.completions.create({
    model: 'claude:claude-x',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Summarize.' },
          { type: 'file', file: { filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF}` } },
        ],
      },
    ],
  });
  const sent = JSON.parse(anthropic.requests.at(-1)!.body) as { messages: Array<{ content: unknown }> };
  expect(sent.messages[0]!.content).toEqual([
    { type: 'text', text: 'Summarize.' },
    {
      type: 'document',
      source: { type: 'base64', media_type: 'application/pdf', data: PDF },
      title: 'report.pdf',
    },
  ]);
});

test('a file_id or audio part goes as it is to OpenAI, and is refused by name for Anthropic', async () => {
  const messages = [
    {
      role: 'user' as const,
      content: [
        { type: 'text' as const, text: 'Listen.' },
        { type: 'input_audio' as const, input_audio: { data: 'AAAA', format: 'wav' as const } },
      ],
    },
  ];
  await client.chat.completions.create({ model: 'gpt:gpt-x', messages });
  expect(JSON.parse(openai.requests.at(-1)!.body).messages).toEqual(messages);
  const refused = (await client.chat.completions
    .create({ model: 'claude:claude-x', messages })
    .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
  expect(refused.status).toBe(400);
  expect(refused.message).toContain(
    'messages[0].content[1] (a part of type input_audio) has no equivalent on claude:claude-x',
  );
});
