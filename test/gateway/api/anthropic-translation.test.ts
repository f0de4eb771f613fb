/**
 * An Anthropic Messages request whose model speaks another protocol is translated: Claude Code's current
 * shapes must all arrive at an OpenAI-protocol upstream with their meaning (recorded there), and the
 * answer must come back in Anthropic's shapes as the client asked for it.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';
import {
  type RecordingUpstream,
  sseFrames,
  startRecordingUpstream,
} from '../../support/recording-upstream.ts';

let upstream: RecordingUpstream;
let gateway: Gateway;
let client: Anthropic;

const completion = (message: Record<string, unknown>, finish: string) =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-5',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
    usage: { prompt_tokens: 40, completion_tokens: 3, total_tokens: 43 },
  });

/** A streamed 'ok' whose usage (40 prompt tokens) comes only in the last chunk, as OpenAI sends it. */
function streamOk(): string {
  const chunk = (fields: Record<string, unknown>) =>
    [undefined, { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-5', ...fields }] as [
      undefined,
      unknown,
    ];
  return sseFrames([
    chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] }),
    chunk({ choices: [], usage: { prompt_tokens: 40, completion_tokens: 1, total_tokens: 41 } }),
    [undefined, '[DONE]'],
  ]);
}

beforeAll(async () => {
  upstream = await startRecordingUpstream({
    json: () => completion({ content: 'ok' }, 'stop'),
    sse: () => streamOk(),
  });
  gateway = await startGateway({
    port: 0,
    log: () => {},
    env: {},
    config: { providers: { gpt: { type: 'openai', baseUrl: upstream.url } } },
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: 'any', maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

type Sent = { messages: Array<{ role: string; content: unknown; tool_call_id?: string }> } & Record<
  string,
  unknown
>;
const lastSent = () => JSON.parse(upstream.requests.at(-1)!.body) as Sent;
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

test("Claude Code's shapes: system blocks and system-role messages in place, thinking budget as effort", async () => {
  await client.messages.create({
    model: 'gpt:gpt-5',
    max_tokens: 100,
    system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
    messages: [
      {
        role: 'user',
        content: [{ type: 'text', text: 'Fix the bug.', cache_control: { type: 'ephemeral' } }],
      },
      { role: 'system' as 'user', content: [{ type: 'text', text: 'Working directory: /repo' }] },
    ],
    thinking: { type: 'enabled', budget_tokens: 31_999 },
  });
  const sent = lastSent();
  expect(sent.messages).toEqual([
    { role: 'system', content: 'You are Claude Code.' },
    { role: 'user', content: 'Fix the bug.' },
    { role: 'system', content: 'Working directory: /repo' },
  ]);
  expect(sent.reasoning_effort).toBe('high');
});

test('a tool result with an image: the text as the result, the image as user content after it; is_error text unchanged', async () => {
  await client.messages.create({
    model: 'gpt:gpt-5',
    max_tokens: 100,
    tools: [{ name: 'screenshot', input_schema: { type: 'object' } }],
    messages: [
      { role: 'user', content: 'Look at the page, then run the tests.' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'screenshot', input: {} },
          { type: 'tool_use', id: 'toolu_2', name: 'screenshot', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_1',
            content: [
              { type: 'text', text: 'Here it is.' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            ],
          },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'exit 1: 3 tests failed', is_error: true },
          {
            type: 'document',
            source: { type: 'text', media_type: 'text/plain', data: 'TODO: fix' },
            title: 'notes.txt',
          },
        ],
      },
    ],
  });
  const messages = lastSent().messages;
  expect(messages.slice(2)).toEqual([
    { role: 'tool', tool_call_id: 'toolu_1', content: 'Here it is.' },
    { role: 'tool', tool_call_id: 'toolu_2', content: 'exit 1: 3 tests failed' },
    {
      role: 'user',
      content: [
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
        { type: 'text', text: 'notes.txt\n\nTODO: fix' },
      ],
    },
  ]);
});

test('output_config.format: a forced output tool upstream, its arguments the answer text', async () => {
  upstream.answer({
    json: () =>
      completion(
        {
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'structured_output', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        'tool_calls',
      ),
    sse: () => '',
  });
  const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
  const answer = await client.messages.create({
    model: 'gpt:gpt-5',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'Capital of France?' }],
    output_config: { format: { type: 'json_schema', schema } },
  });
  expect(answer.content).toEqual([{ type: 'text', text: '{"city":"Paris"}' }]);
  expect(answer.stop_reason).toBe('end_turn');
  const sent = lastSent();
  expect(sent.tool_choice).toBe('required');
  expect(sent.tools).toMatchObject([
    { type: 'function', function: { name: 'structured_output', parameters: schema } },
  ]);
});

test('a stream says its input tokens in message_start, not 0', async () => {
  upstream.answer({ json: () => completion({ content: 'ok' }, 'stop'), sse: streamOk });
  const stream = client.messages.stream({
    model: 'gpt:gpt-5',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'x'.repeat(400) }],
  });
  let startTokens: number | undefined;
  stream.on('streamEvent', (event) => {
    if (event.type === 'message_start') startTokens = event.message.usage.input_tokens;
  });
  const final = await stream.finalMessage();
  // An OpenAI upstream tells its count only at the end: the start carries the gateway's estimate.
  expect(startTokens).toBe(100);
  expect(final.usage.input_tokens).toBe(40);
});

test('a server tool cannot be translated: 400 naming it', async () => {
  const error = (await client.messages
    .create({
      model: 'gpt:gpt-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'News?' }],
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
    })
    .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
  expect(error.status).toBe(400);
  expect(error.message).toContain(
    'tools[0] (the server tool web_search_20250305) has no equivalent on gpt:gpt-5',
  );
});
