/**
 * Claude Code and the current Anthropic SDK ask for `thinking: { type: 'adaptive' }` with
 * `output_config.effort` (the only form Opus 4.7 and later accept). Through the gateway that request must
 * reach an Anthropic upstream in the form its model takes, and another protocol's upstream as its own
 * reasoning effort — sent with the official client, checked at recording upstreams.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';
import { useScriptedChatServer } from '../../support/scripted-chat-server.ts';

const chat = useScriptedChatServer();
const anthropicBodies: Record<string, unknown>[] = [];
let anthropicUpstream: Server;
let gateway: Gateway;
let client: Anthropic;

beforeAll(async () => {
  // An Anthropic upstream that keeps each body and answers with one short message.
  anthropicUpstream = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
    anthropicBodies.push(body);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [{ type: 'text', text: 'ok' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 3, output_tokens: 1 },
      }),
    );
  });
  await new Promise<void>((resolve) => anthropicUpstream.listen(0, '127.0.0.1', resolve));
  const anthropicUrl = `http://127.0.0.1:${(anthropicUpstream.address() as AddressInfo).port}`;
  gateway = await startGateway({
    port: 0,
    log: () => {},
    env: { UPSTREAM_KEY: 'sk-ant-test' },
    config: {
      providers: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's env reference, not a template
        claude: { type: 'anthropic', baseUrl: anthropicUrl, apiKey: '${UPSTREAM_KEY}' },
        gpt: { type: 'openai', baseUrl: chat.baseUrl },
      },
    },
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: 'any' });
});

afterAll(async () => {
  await gateway?.close();
  await new Promise<void>((resolve) => anthropicUpstream?.close(() => resolve()));
});

/** Claude Code's request shape: adaptive thinking, an effort, or neither. */
function ask(model: string, effort?: 'low' | 'max') {
  const params = {
    model,
    max_tokens: 1000,
    messages: [{ role: 'user' as const, content: 'Plan the refactor.' }],
    thinking: { type: 'adaptive', display: 'omitted' },
    ...(effort ? { output_config: { effort } } : {}),
  };
  return client.messages.create(params as unknown as Anthropic.MessageCreateParamsNonStreaming);
}

// An Anthropic upstream speaks the client's protocol: the request is passed through, so the thinking
// and effort the client chose for its model arrive as sent (display included), never rewritten.
test('an Anthropic upstream gets adaptive thinking and the effort exactly as the client sent them', async () => {
  const answer = await ask('claude:claude-opus-4-7', 'low');
  expect(answer.content).toEqual([{ type: 'text', text: 'ok' }]);
  const sent = anthropicBodies.at(-1)!;
  expect(sent.thinking).toEqual({ type: 'adaptive', display: 'omitted' });
  expect(sent.output_config).toEqual({ effort: 'low' });
});

test("without an effort none is added; 'max' reaches an Anthropic upstream as 'max'", async () => {
  await ask('claude:claude-opus-4-7');
  expect(anthropicBodies.at(-1)!.output_config).toBeUndefined();
  await ask('claude:claude-opus-4-7', 'max');
  expect(anthropicBodies.at(-1)!.output_config).toEqual({ effort: 'max' });
});

test('an older Claude upstream gets what the client chose for it, not a budget the gateway picked', async () => {
  await ask('claude:claude-sonnet-4-5', 'low');
  expect(anthropicBodies.at(-1)!.thinking).toEqual({ type: 'adaptive', display: 'omitted' });
});

test('an OpenAI-protocol upstream gets the effort as its reasoning_effort', async () => {
  chat.reply({
    json: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 0,
      model: 'gpt-5',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    },
  });
  await ask('gpt:gpt-5', 'low');
  expect(chat.requests.at(-1)).toMatchObject({ model: 'gpt-5', reasoning_effort: 'low' });
});
