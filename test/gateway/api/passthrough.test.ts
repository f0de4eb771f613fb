/**
 * Same protocol in and out: the client's request reaches a same-protocol upstream byte for byte but for
 * the model, with the protocol's headers and never the client's key, and the answer comes back as the
 * upstream wrote it (its `model` naming who served). Proved by replaying the request Claude Code 2.1.337
 * really sent (test/fixtures/agents) and one the official `openai` client sends, to recording upstreams.
 */
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import type { RequestFinished } from '../../../src/gateway/events.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';
import {
  type RecordingUpstream,
  sseFrames,
  startRecordingUpstream,
} from '../../support/recording-upstream.ts';

interface AgentFixture {
  path: string;
  headers: Record<string, string>;
  body: string;
}

const claudeCode = JSON.parse(
  readFileSync(new URL('../../fixtures/agents/claude-code-messages.json', import.meta.url), 'utf8'),
) as AgentFixture;

// What Anthropic streams, with fields no schema of the gateway knows: they must arrive untouched.
const anthropicFrames = (model: unknown) =>
  sseFrames([
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          id: 'msg_up',
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: 1200,
            cache_read_input_tokens: 900,
            output_tokens: 1,
            service_tier: 'standard',
          },
          container: null,
        },
      },
    ],
    [
      'content_block_start',
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      },
    ],
    ['ping', { type: 'ping' }],
    [
      'content_block_delta',
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'c2lnbmVk' } },
    ],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    [
      'content_block_start',
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '', citations: [] } },
    ],
    [
      'content_block_delta',
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'It says 42.' } },
    ],
    ['content_block_stop', { type: 'content_block_stop', index: 1 }],
    [
      'message_delta',
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { input_tokens: 1200, output_tokens: 9 },
        context_management: { applied_edits: [] },
      },
    ],
    ['message_stop', { type: 'message_stop' }],
  ]);
const anthropicJson = (model: unknown) =>
  `{"id":"msg_up","type":"message","role":"assistant","model":${JSON.stringify(model)},"content":[{"type":"text","text":"ok","citations":null}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1,"server_tool_use":{"web_search_requests":0}}}`;

const openAIChunks = (model: unknown, usage: boolean) =>
  sseFrames([
    [
      undefined,
      {
        id: 'chatcmpl-up',
        object: 'chat.completion.chunk',
        created: 7,
        model,
        system_fingerprint: 'fp_x',
        choices: [
          {
            index: 0,
            delta: { role: 'assistant', content: 'Hi', refusal: null },
            logprobs: null,
            finish_reason: null,
          },
        ],
      },
    ],
    [
      undefined,
      {
        id: 'chatcmpl-up',
        object: 'chat.completion.chunk',
        created: 7,
        model,
        system_fingerprint: 'fp_x',
        choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
      },
    ],
    ...(usage
      ? [
          [
            undefined,
            {
              id: 'chatcmpl-up',
              object: 'chat.completion.chunk',
              created: 7,
              model,
              choices: [],
              usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
            },
          ] as [undefined, unknown],
        ]
      : []),
    [undefined, '[DONE]'],
  ]);
const openAIJson = (model: unknown) =>
  `{"id":"chatcmpl-up","object":"chat.completion","created":7,"model":${JSON.stringify(model)},"choices":[{"index":0,"message":{"role":"assistant","content":"Hi","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6,"prompt_tokens_details":{"cached_tokens":0}},"service_tier":"default","system_fingerprint":"fp_x"}`;

let anthropicUpstream: RecordingUpstream;
let openaiUpstream: RecordingUpstream;
let overloaded: ChaosServer;
let brokenAnthropic: ChaosServer;
let brokenOpenAI: ChaosServer;
let gateway: Gateway;
const finished: RequestFinished[] = [];

beforeAll(async () => {
  anthropicUpstream = await startRecordingUpstream({
    json: (request) => anthropicJson(request.model),
    sse: (request) => anthropicFrames(request.model),
  });
  openaiUpstream = await startRecordingUpstream({
    json: (request) => openAIJson(request.model),
    sse: (request) => openAIChunks(request.model, true),
  });
  overloaded = await startChaosServer({ protocol: 'anthropic', scenario: { fault: 'status:529' } });
  brokenAnthropic = await startChaosServer({ protocol: 'anthropic', scenario: { fault: 'error-frame:2' } });
  brokenOpenAI = await startChaosServer({ protocol: 'openai', scenario: { fault: 'error-frame:2' } });
  gateway = await startGateway({
    port: 0,
    log: () => {},
    env: { ANTHROPIC_UPSTREAM_KEY: 'sk-ant-gateway', OPENAI_UPSTREAM_KEY: 'sk-gateway' },
    config: {
      providers: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's env reference, not a template
        claude: { type: 'anthropic', baseUrl: anthropicUpstream.url, apiKey: '${ANTHROPIC_UPSTREAM_KEY}' },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's env reference, not a template
        gpt: { type: 'openai', baseUrl: openaiUpstream.url, apiKey: '${OPENAI_UPSTREAM_KEY}' },
        down: { type: 'anthropic', baseUrl: overloaded.url },
        'broken-claude': { type: 'anthropic', baseUrl: brokenAnthropic.url },
        'broken-gpt': { type: 'openai', baseUrl: brokenOpenAI.url },
      },
      routes: {
        claude: { models: ['claude:claude-sonnet-4-5'], match: ['claude-*'] },
        'claude-then-gpt': { models: ['down:claude-opus-4-1', 'gpt:gpt-5'], breaker: false },
        'overloaded-then-claude': {
          models: ['down:claude-opus-4-1', 'claude:claude-sonnet-4-5'],
          breaker: false,
        },
      },
    },
  });
});

beforeAll(() => {
  gateway.events.on('request-finished', (record) => finished.push(record));
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all(
    [anthropicUpstream, openaiUpstream, overloaded, brokenAnthropic, brokenOpenAI].map((s) => s?.close()),
  );
});

/** The client's text with its top-level model value replaced, by hand: what the upstream must receive. */
function withModel(body: string, from: string, to: string): string {
  const needle = `"model":${JSON.stringify(from)}`;
  expect(body.indexOf(needle)).toBeGreaterThan(-1);
  return body.replace(needle, `"model":${JSON.stringify(to)}`);
}

function post(path: string, headers: Record<string, string>, body: string): Promise<Response> {
  return fetch(`${gateway.url}${path}`, { method: 'POST', headers, body });
}

describe('Anthropic Messages to an Anthropic upstream', () => {
  test("Claude Code's recorded request arrives byte for byte but the model, with its betas and not its key", async () => {
    const response = await post(claudeCode.path, claudeCode.headers, claudeCode.body);
    expect(response.status).toBe(200);
    const text = await response.text();
    const sent = anthropicUpstream.requests.at(-1)!;
    expect(sent.body).toBe(withModel(claudeCode.body, 'claude-opus-5-5', 'claude-sonnet-4-5'));
    expect(sent.headers['anthropic-beta']).toBe(claudeCode.headers['anthropic-beta']);
    expect(sent.headers['anthropic-version']).toBe(claudeCode.headers['anthropic-version']);
    expect(sent.headers['x-api-key']).toBe('sk-ant-gateway');
    expect(sent.headers['x-claude-code-session-id']).toBeUndefined();
    // The answer: the upstream's frames as written, message_start's model naming who served.
    expect(text).toBe(
      anthropicFrames('claude-sonnet-4-5').replace(
        '"model":"claude-sonnet-4-5"',
        '"model":"claude:claude-sonnet-4-5"',
      ),
    );
    expect(response.headers.get('x-understudy-model')).toBe('claude:claude-sonnet-4-5');
    expect(response.headers.get('x-understudy-route-reason')).toBe('pattern claude-*');
    // Usage read from the upstream's frames, priced, and reported: what limits and spend count.
    const record = finished.at(-1)!;
    expect(record).toMatchObject({ route: 'claude', routeReason: 'pattern claude-*', stream: true });
    expect(record.usage).toMatchObject({ inputTokens: 2100, cacheReadTokens: 900, outputTokens: 9 });
    expect(record.cost).toBeGreaterThan(0);
  });

  test('the recorded request is one the gateway can also translate: Claude Code falls back across protocols', async () => {
    const body = withModel(claudeCode.body, 'claude-opus-5-5', 'claude-then-gpt');
    const response = await post(claudeCode.path, claudeCode.headers, body);
    expect(response.status).toBe(200);
    const upstream = JSON.parse(openaiUpstream.requests.at(-1)!.body) as {
      messages: Array<{ role: string }>;
    };
    // The system blocks, the user turn and Claude Code's mid-conversation system message, in order.
    expect(upstream.messages.map((m) => m.role)).toEqual(['system', 'user', 'system']);
    expect(response.headers.get('x-understudy-trace')).toMatch(
      /^down:claude-opus-4-1=overloaded\/529.*gpt:gpt-5=ok$/,
    );
  });

  test('a whole answer comes back as the upstream wrote it, the model naming who served', async () => {
    const client = new Anthropic({ baseURL: gateway.url, apiKey: 'client-key', maxRetries: 0 });
    const { data, response } = await client.messages
      .create({
        model: 'overloaded-then-claude',
        max_tokens: 64,
        system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
        messages: [
          {
            role: 'user',
            content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral', ttl: '1h' } }],
          },
        ],
        metadata: { user_id: 'u-1' },
        thinking: { type: 'enabled', budget_tokens: 31_999 },
      })
      .withResponse();
    const sent = JSON.parse(anthropicUpstream.requests.at(-1)!.body) as Record<string, unknown>;
    expect(sent.thinking).toEqual({ type: 'enabled', budget_tokens: 31_999 });
    expect(sent.system).toEqual([{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }]);
    expect(sent.metadata).toEqual({ user_id: 'u-1' });
    expect(sent.models).toBeUndefined();
    const upstreamAnswer = JSON.parse(anthropicJson('claude-sonnet-4-5')) as { usage: object };
    expect(data).toEqual({
      ...upstreamAnswer,
      model: 'claude:claude-sonnet-4-5',
      // The one field the gateway adds: the answer's price.
      usage: { ...upstreamAnswer.usage, cost: expect.any(Number) },
    });
    expect(response.headers.get('x-understudy-attempts')).toBe('2');
  });

  test('a server tool goes as it is to Anthropic; a model that would translate it refuses by name', async () => {
    const request = {
      max_tokens: 64,
      messages: [{ role: 'user', content: 'News?' }],
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 2 }],
    };
    const headers = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
    const ask = (model: string) => post('/v1/messages', headers, JSON.stringify({ model, ...request }));
    expect((await ask('claude')).status).toBe(200);
    // The Anthropic primary is overloaded; the GPT fallback cannot carry the tool and says so.
    const failed = await ask('claude-then-gpt');
    expect(failed.status).toBeGreaterThanOrEqual(400);
    const error = ((await failed.json()) as { error: { message: string } }).error;
    expect(error.message).toContain(
      'tools[0] (the server tool web_search_20250305) has no equivalent in the openai-chat protocol: gpt:gpt-5 cannot take this request.',
    );
    expect(failed.headers.get('x-understudy-route')).toBe('claude-then-gpt');
    // No model of the chain could take it: refused at once, before any upstream is called.
    const before = openaiUpstream.requests.length;
    const refused = await ask('gpt:gpt-5');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /^tools\[0\] \(the server tool web_search_20250305\) has no equivalent on gpt:gpt-5/,
    );
    expect(openaiUpstream.requests.length).toBe(before);
  });
});

describe('OpenAI Chat Completions to an OpenAI upstream', () => {
  /** The official client, with its fetch recording each body exactly as the client sent it. */
  function recordingClient(sent: string[]): OpenAI {
    return new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: 'client-key',
      maxRetries: 0,
      fetch: async (url, init) => {
        sent.push(String(init?.body));
        return fetch(url, init);
      },
    });
  }

  test("the openai client's request arrives byte for byte but the model; the answer's model names who served", async () => {
    const sent: string[] = [];
    const completion = await recordingClient(sent).chat.completions.create({
      model: 'gpt:gpt-5',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      reasoning_effort: 'minimal',
      prompt_cache_key: 'k-1',
      // A field newer than every schema here: it must still reach the upstream.
      // @ts-expect-error not in the client's types
      verbosity_hint: { level: 2 },
    });
    expect(openaiUpstream.requests.at(-1)!.body).toBe(withModel(sent[0]!, 'gpt:gpt-5', 'gpt-5'));
    expect(openaiUpstream.requests.at(-1)!.headers.authorization).toBe('Bearer sk-gateway');
    const upstreamAnswer = JSON.parse(openAIJson('gpt-5')) as { usage: object };
    expect(completion).toEqual({
      ...upstreamAnswer,
      model: 'gpt:gpt-5',
      usage: { ...upstreamAnswer.usage, cost: expect.any(Number) },
    });
  });

  test('a stream gets the upstream chunks; usage is asked for upstream and taken out when the client did not ask', async () => {
    const sent: string[] = [];
    const stream = await recordingClient(sent).chat.completions.create({
      model: 'gpt:gpt-5',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    const chunks: unknown[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const upstreamBody = openaiUpstream.requests.at(-1)!.body;
    expect(JSON.parse(upstreamBody)).toEqual({
      ...JSON.parse(sent[0]!),
      model: 'gpt-5',
      stream_options: { include_usage: true },
    });
    const expected = openAIChunks('gpt:gpt-5', false)
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: {'))
      .map((frame) => JSON.parse(frame.slice(6)) as unknown);
    expect(chunks).toEqual(expected);
  });
});

describe('a passed-through stream that breaks after its first token', () => {
  const ask = (path: string, body: Record<string, unknown>) =>
    post(
      path,
      { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      JSON.stringify(body),
    );

  test("Anthropic: the upstream's frames so far, then the gateway's error event, never message_stop", async () => {
    const response = await ask('/v1/messages', {
      model: 'broken-claude:claude-sonnet-4-5',
      max_tokens: 50,
      stream: true,
      messages: [{ role: 'user', content: 'tell me a long story' }],
    });
    const text = await response.text();
    const events = [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(events.slice(0, 2)).toEqual(['message_start', 'content_block_start']);
    expect(events.at(-1)).toBe('error');
    expect(events).not.toContain('message_stop');
    expect(text).toContain('"model":"broken-claude:claude-sonnet-4-5"');
    // The emulator's own fields, which the gateway's writer never writes: these are its frames.
    expect(text).toContain('"service_tier":"standard"');
  });

  test('OpenAI: the chunks so far, then an error chunk and no [DONE]', async () => {
    const response = await ask('/v1/chat/completions', {
      model: 'broken-gpt:gpt-5',
      stream: true,
      messages: [{ role: 'user', content: 'tell me a long story' }],
    });
    const frames = (await response.text()).split('\n\n').filter((frame) => frame !== '');
    expect(frames.length).toBeGreaterThan(2);
    expect(frames.at(-1)).toMatch(/^data: \{"error":/);
    expect(frames).not.toContain('data: [DONE]');
    expect(frames[0]).toContain(
      '"model":"broken-gpt:gpt-5","service_tier":"default","system_fingerprint":"fp_chaos"',
    );
  });
});
