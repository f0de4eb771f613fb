/**
 * `POST /v1/messages/count_tokens` driven by the official `@anthropic-ai/sdk` (`client.messages.countTokens`)
 * against a real gateway: an Anthropic upstream counts exactly (seen through a recording proxy, to check
 * what it was sent), any other upstream gets the gateway's flagged estimate.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, hashClientKey, startGateway } from '../../../src/gateway/index.ts';

const KEY = 'agent-key-1';
const TIGHT_KEY = 'agent-key-tight-2';
const UPSTREAM_KEY = 'sk-ant-upstream-secret';

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

let anthropicUpstream: ChaosServer;
let openaiUpstream: ChaosServer;
let recorder: Server;
let received: Received[] = [];
let gateway: Gateway;
let client: Anthropic;

/** A proxy in front of the chaos upstream that keeps what it was sent. */
async function startRecorder(target: string): Promise<string> {
  recorder = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    received.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(text) });
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'anthropic-version', 'x-api-key'])
      headers[name] = String(req.headers[name] ?? '');
    const answer = await fetch(`${target}${req.url}`, { method: 'POST', headers, body: text });
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(await answer.text());
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  anthropicUpstream = await startChaosServer({ protocol: 'anthropic' });
  openaiUpstream = await startChaosServer({ protocol: 'openai' });
  const recorded = await startRecorder(anthropicUpstream.url);
  const closed = await startChaosServer({ protocol: 'anthropic' });
  await closed.close();
  gateway = await startGateway({
    port: 0,
    log: () => {},
    env: { UPSTREAM_KEY },
    config: {
      providers: {
        a: { type: 'openai', baseUrl: openaiUpstream.url },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's env reference, not a template
        b: { type: 'anthropic', baseUrl: recorded, apiKey: '${UPSTREAM_KEY}' },
        gone: { type: 'anthropic', baseUrl: closed.url },
      },
      routes: {
        claude: { models: ['b:claude-sonnet-4-5', 'a:gpt-4o'] },
        gpt: { models: ['a:gpt-4o', 'b:claude-sonnet-4-5'] },
      },
      clients: [
        { name: 'agent', sha256: hashClientKey(KEY), limits: { tokensPerMinute: 5 } },
        {
          name: 'tight',
          sha256: hashClientKey(TIGHT_KEY),
          limits: { requestsPerMinute: 2 },
          routes: ['gpt'],
        },
      ],
    },
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: KEY, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await new Promise((resolve) => recorder.close(resolve));
  await Promise.all([anthropicUpstream.close(), openaiUpstream.close()]);
});

const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'hello there' }];

async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Anthropic.APIError);
  return error as InstanceType<typeof Anthropic.APIError>;
}

describe('POST /v1/messages/count_tokens with the official @anthropic-ai/sdk', () => {
  it("counts exactly on an Anthropic upstream, sent the client's body with only the model changed", async () => {
    received = [];
    const params: Anthropic.MessageCountTokensParams = {
      model: 'claude',
      system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
      messages: [
        ...messages,
        { role: 'assistant', content: 'hi' },
        { role: 'user', content: 'count me, please' },
      ],
      tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
      thinking: { type: 'enabled', budget_tokens: 2048 },
    };
    const { data, response } = await client.messages.countTokens(params).withResponse();
    // The chaos tokenizer: 'You are terse.' 4 + 'hello there' 2 + 'hi' 1 + 'count me, please' 4.
    expect(data.input_tokens).toBe(11);
    expect(response.headers.get('x-understudy-token-count')).toBe('exact');
    expect(response.headers.get('x-understudy-model')).toBe('b:claude-sonnet-4-5');
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe('/v1/messages/count_tokens');
    expect(received[0]!.body).toEqual({ ...params, model: 'claude-sonnet-4-5' });
    // The upstream sees the gateway's key, never the client's.
    expect(received[0]!.headers['x-api-key']).toBe(UPSTREAM_KEY);
    expect(received[0]!.headers['anthropic-version']).toBeDefined();
  });

  it('forwards a model named directly, and the beta header Claude Code sends', async () => {
    received = [];
    const count = await client.beta.messages.countTokens({
      model: 'b:claude-haiku-4-5',
      messages,
      betas: ['context-management-2025-06-27'],
    });
    expect(count.input_tokens).toBe(2);
    expect(received[0]!.body).toEqual({ model: 'claude-haiku-4-5', messages });
    // The SDK adds the token-counting beta of its own; both reach the upstream as sent.
    expect(received[0]!.headers['anthropic-beta']).toBe(
      'context-management-2025-06-27,token-counting-2024-11-01',
    );
  });

  it('estimates, and says so, when the first model does not speak Anthropic', async () => {
    const before = openaiUpstream.stats.requests;
    const image = { type: 'base64' as const, media_type: 'image/png' as const, data: 'A'.repeat(40_000) };
    const { data, response } = await client.messages
      .countTokens({
        model: 'gpt',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'hello there' },
              { type: 'image', source: image },
            ],
          },
        ],
      })
      .withResponse();
    // 'user' + 'hello there' = 15 characters, 4 tokens; the image a flat 1,600, not its 40,000 bytes.
    expect(data).toEqual({ input_tokens: 1604 });
    expect(response.headers.get('x-understudy-token-count')).toBe('estimate');
    expect(response.headers.get('x-understudy-model')).toBe('a:gpt-4o');
    expect(openaiUpstream.stats.requests).toBe(before);
  });

  it('estimates when the Anthropic upstream cannot be reached', async () => {
    const { data, response } = await client.messages
      .countTokens({ model: 'gone:claude-sonnet-4-5', messages })
      .withResponse();
    expect(data).toEqual({ input_tokens: 4 });
    expect(response.headers.get('x-understudy-token-count')).toBe('estimate');
  });

  it("relays the upstream's refusal of the body in Anthropic's shape", async () => {
    const error = await failure(
      client.messages.countTokens({
        model: 'claude',
        messages: [{ role: 'robot' as 'user', content: 'hi' }],
      }),
    );
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: "messages.0.role: Input should be 'user', 'assistant' or 'system'",
      },
    });
  });

  it('404 not_found_error for an unknown model, and 400 for a body without messages', async () => {
    const unknown = await failure(client.messages.countTokens({ model: 'nope', messages }));
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect(unknown.error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect((unknown.error as { error: { message: string } }).error.message).toContain("'nope'");
    const empty = await failure(client.messages.countTokens({ model: 'claude', messages: [] }));
    expect(empty).toBeInstanceOf(Anthropic.BadRequestError);
    expect(empty.error).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.stringMatching(/^messages:/) },
    });
  });

  it("requires a client key, answered in Anthropic's shape", async () => {
    const anonymous = new Anthropic({ baseURL: gateway.url, apiKey: 'wrong-key', maxRetries: 0 });
    const error = await failure(anonymous.messages.countTokens({ model: 'claude', messages }));
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it("spends no tokens of the key's budget, but counts against its requests and its routes", async () => {
    const long: Anthropic.MessageParam[] = [{ role: 'user', content: 'word '.repeat(1000) }];
    // A 5-tokens-per-minute key counts a 1,000-token prompt again and again.
    for (let i = 0; i < 3; i++) await client.messages.countTokens({ model: 'gpt', messages: long });
    const tight = new Anthropic({ baseURL: gateway.url, apiKey: TIGHT_KEY, maxRetries: 0 });
    const forbidden = await failure(tight.messages.countTokens({ model: 'claude', messages }));
    expect(forbidden).toBeInstanceOf(Anthropic.PermissionDeniedError);
    await tight.messages.countTokens({ model: 'gpt', messages });
    await tight.messages.countTokens({ model: 'gpt', messages });
    const limited = await failure(tight.messages.countTokens({ model: 'gpt', messages }));
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });
});
