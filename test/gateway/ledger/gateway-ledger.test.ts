import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../../src/chaos/index.ts';
import { type Gateway, startGateway } from '../../../src/gateway/index.ts';
import { useScriptedChatServer } from '../../support/scripted-chat-server.ts';

/**
 * The ledger behind a running gateway, with a real client: what a request leaves in it, what
 * /v1/generation says of it, and zero-completion insurance.
 */
describe('a gateway recording its requests', () => {
  let chaos: ChaosServer;
  let gateway: Gateway;
  const scripted = useScriptedChatServer();

  beforeAll(async () => {
    chaos = await startChaosServer({
      protocol: 'openai',
      scenario: { models: { down: { fault: 'status:503' } } },
    });
    gateway = await startGateway({
      config: {
        providers: {
          a: { type: 'openai', baseUrl: chaos.url },
          scripted: { type: 'openai', baseUrl: scripted.baseUrl },
        },
        routes: {
          main: { models: ['a:down', 'a:gpt-4o'], retries: 0 },
          empty: { models: ['scripted:gpt-4o'], retries: 0 },
        },
        ledger: { flushIntervalMs: 100 },
      },
      port: 0,
      env: { OPENAI_API_KEY: 'sk-test-unused' },
      log: () => {},
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await chaos?.close();
  });

  const client = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'none', maxRetries: 0 });

  it('records the request with its attempts, tool and cost, and /v1/generation returns it', async () => {
    const completion = await client().chat.completions.create({
      model: 'main',
      messages: [{ role: 'user', content: 'hello there' }],
    });
    const response = await fetch(`${gateway.url}/v1/generation?id=${completion.id}`);
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: Record<string, unknown> };
    expect(data).toMatchObject({
      id: completion.id,
      model: 'a:gpt-4o',
      provider_name: 'a',
      route: 'main',
      tokens_prompt: completion.usage!.prompt_tokens,
      tokens_completion: completion.usage!.completion_tokens,
      finish_reason: 'stop',
      zero_completion_insurance: false,
    });
    expect(data.total_cost).toBeGreaterThan(0);
    expect(data.user_agent).toMatch(/^OpenAI\/JS/);
    expect(
      (data.attempts as Array<{ model: string; outcome: string }>).map((a) => `${a.model}=${a.outcome}`),
    ).toEqual(['a:down=error', 'a:gpt-4o=ok']);
    // Once its batch is written the database answers the same.
    await gateway.ledger.flush();
    const again = (await (await fetch(`${gateway.url}/v1/generation?id=${completion.id}`)).json()) as {
      data: Record<string, unknown>;
    };
    expect(again.data).toEqual(data);
  });

  it('records a stream with its time to first token, and an Anthropic answer under its msg_ id', async () => {
    const stream = await client().chat.completions.create({
      model: 'main',
      messages: [{ role: 'user', content: 'stream please' }],
      stream: true,
    });
    let id = '';
    for await (const chunk of stream) id = chunk.id;
    const streamed = (await (await fetch(`${gateway.url}/v1/generation?id=${id}`)).json()) as {
      data: { streamed: boolean; latency: number; generation_time: number; finish_reason: string };
    };
    expect(streamed.data).toMatchObject({ streamed: true, finish_reason: 'stop' });
    expect(streamed.data.latency).toBeGreaterThanOrEqual(0);

    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'none', maxRetries: 0 });
    const message = await anthropic.messages.create({
      model: 'main',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(message.id).toMatch(/^msg_/);
    const recorded = (await (await fetch(`${gateway.url}/v1/generation?id=${message.id}`)).json()) as {
      data: { api_type: string; model: string; user_agent: string };
    };
    expect(recorded.data).toMatchObject({ api_type: 'anthropic', model: 'a:gpt-4o' });
    expect(recorded.data.user_agent).toMatch(/^Anthropic\/JS/);
  });

  it('answers 404 for an id it never gave, and 400 without one', async () => {
    expect((await fetch(`${gateway.url}/v1/generation?id=chatcmpl-nope`)).status).toBe(404);
    const missing = await fetch(`${gateway.url}/v1/generation`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/id=/);
  });

  it('charges nothing for an answer with no completion tokens and no finish reason, and says so', async () => {
    scripted.reply({
      json: {
        id: 'chatcmpl-upstream',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o',
        choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: null }],
        usage: { prompt_tokens: 1200, completion_tokens: 0, total_tokens: 1200 },
      },
    });
    const response = await client()
      .chat.completions.create({ model: 'empty', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.response.headers.get('x-understudy-zero-completion-insurance')).toBe('applied');
    const { data } = (await (await fetch(`${gateway.url}/v1/generation?id=${response.data.id}`)).json()) as {
      data: Record<string, unknown>;
    };
    expect(data).toMatchObject({ total_cost: 0, zero_completion_insurance: true, tokens_prompt: 1200 });
  });

  it('charges a normal empty answer that did finish (finish reason stop): insurance is for failures', async () => {
    scripted.reply({
      json: {
        id: 'chatcmpl-upstream-stop',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o',
        choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1200, completion_tokens: 0, total_tokens: 1200 },
      },
    });
    const response = await client()
      .chat.completions.create({ model: 'empty', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.response.headers.get('x-understudy-zero-completion-insurance')).toBeNull();
    const { data } = (await (await fetch(`${gateway.url}/v1/generation?id=${response.data.id}`)).json()) as {
      data: Record<string, unknown>;
    };
    expect(data.total_cost).toBeGreaterThan(0);
  });
});
