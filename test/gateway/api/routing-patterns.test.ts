/**
 * Routing for agents, through the official clients against a real gateway over chaos upstreams: ids
 * that name no route land on a route by its `match:` patterns, `routing:` rules pick a route by what a
 * request is, and the headers and the request record say which route and why.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfigInput, RequestFinished } from '../../../src/gateway/index.ts';
import { ConfigError, parseConfigText } from '../../../src/gateway/index.ts';
import { type GatewayFixture, startFixture } from './fixture.ts';

const route = (models: string[], match?: string[]) => ({ models, breaker: false as const, match });

const config: Partial<GatewayConfigInput> = {
  routes: {
    // Config order decides between patterns: the narrower one is listed first on purpose.
    legacy: route(['b:claude-3-5-sonnet'], ['claude-3-5-*']),
    claude: route(['b:claude-sonnet-4-5'], ['claude-*']),
    codex: route(['a:gpt-5-codex'], ['gpt-5*']),
    mini: route(['b:claude-haiku-4-5'], ['*-mini']),
    // A route named like an id a pattern would take: the exact name wins.
    'claude-opus-4-1': route(['a:gpt-4o-mini']),
    background: route(['a:small']),
    long: route(['a:long-context']),
    think: route(['b:claude-thinker']),
  },
  routing: [
    { when: { model: 'claude-*haiku*' }, route: 'background' },
    { when: { inputTokensAbove: 1000 }, route: 'long' },
    { when: { thinking: true }, route: 'think' },
  ],
};

let fixture: GatewayFixture;
let anthropic: Anthropic;
let openai: OpenAI;
const records: RequestFinished[] = [];

beforeAll(async () => {
  fixture = await startFixture(config);
  fixture.gateway.events.on('request-finished', (record) => records.push(record));
  anthropic = new Anthropic({ baseURL: fixture.gateway.url, apiKey: 'unused', maxRetries: 0 });
  openai = new OpenAI({ baseURL: `${fixture.gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => fixture.close());

const hello = [{ role: 'user' as const, content: 'hello there' }];
// ~1,500 tokens by the gateway's characters/4 estimate: over the `long` rule's 1,000.
const longText = 'lorem ipsum '.repeat(500);

async function askClaude(model: string, extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}) {
  const { data, response } = await anthropic.messages
    .create({ model, max_tokens: 2000, messages: hello, ...extra })
    .withResponse();
  return {
    served: data.model,
    route: response.headers.get('x-understudy-route'),
    reason: response.headers.get('x-understudy-route-reason'),
  };
}

describe('model-name patterns', () => {
  it("lands Claude Code's dated id on the route whose pattern matches, and says so", async () => {
    expect(await askClaude('claude-opus-4-5-20251101')).toEqual({
      served: 'b:claude-sonnet-4-5',
      route: 'claude',
      reason: 'pattern claude-*',
    });
    expect(records.at(-1)?.route).toBe('claude');
  });

  it('takes the first route in config order whose pattern matches', async () => {
    expect(await askClaude('claude-3-5-sonnet-20241022')).toMatchObject({
      route: 'legacy',
      reason: 'pattern claude-3-5-*',
    });
  });

  it('lets an exact route name win over a pattern that also matches it', async () => {
    expect(await askClaude('claude-opus-4-1')).toEqual({
      served: 'a:gpt-4o-mini',
      route: 'claude-opus-4-1',
      reason: 'name',
    });
  });

  it("never redirects a 'provider:model' id, even one a pattern would match", async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: 'a:gpt-4o-mini', messages: hello })
      .withResponse();
    expect(data.model).toBe('a:gpt-4o-mini');
    expect(response.headers.get('x-understudy-route-reason')).toBe('model');
    // Without the provider prefix the same pattern takes it.
    const viaPattern = await openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: hello });
    expect(viaPattern.model).toBe('b:claude-haiku-4-5');
  });

  it("lands Codex's id on an OpenAI client's stream, with the route headers sent at its start", async () => {
    const { data: stream, response } = await openai.chat.completions
      .create({ model: 'gpt-5-codex', messages: hello, stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: hello there');
    expect(response.headers.get('x-understudy-route')).toBe('codex');
    expect(response.headers.get('x-understudy-route-reason')).toBe('pattern gpt-5*');
    expect(response.headers.get('x-understudy-model')).toBe('a:gpt-5-codex');
  });

  it('still answers 404 for an id nothing serves, naming the patterns and how to add one', async () => {
    const error = (await anthropic.messages
      .create({ model: 'llama-3.3-70b', max_tokens: 50, messages: hello })
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.NotFoundError>;
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect(error.message).toContain("'llama-3.3-70b'");
    expect(error.message).toContain('claude: claude-*');
    expect(error.message).toContain("add a pattern to a route's `match:`");
  });
});

describe('routing rules', () => {
  it('sends an agent’s background model to the small-model route', async () => {
    expect(await askClaude('claude-haiku-4-5-20251001')).toEqual({
      served: 'a:small',
      route: 'background',
      reason: 'rule 1 (model claude-*haiku*)',
    });
    expect(records.at(-1)?.route).toBe('background');
  });

  it('sends a long context to the long-context route, by either protocol', async () => {
    const long = [{ role: 'user' as const, content: longText }];
    expect(await askClaude('claude-opus-4-5-20251101', { messages: long })).toMatchObject({
      route: 'long',
      reason: 'rule 2 (inputTokensAbove 1000)',
    });
    const { data } = await openai.chat.completions
      .create({ model: 'gpt-5-codex', messages: long })
      .withResponse();
    expect(data.model).toBe('a:long-context');
  });

  it('sends a request asking for thinking to the thinking route, by either protocol', async () => {
    expect(
      await askClaude('claude-opus-4-5-20251101', { thinking: { type: 'enabled', budget_tokens: 1024 } }),
    ).toEqual({ served: 'b:claude-thinker', route: 'think', reason: 'rule 3 (thinking true)' });
    const { data, response } = await openai.chat.completions
      .create({ model: 'gpt-5-codex', messages: hello, reasoning_effort: 'high' })
      .withResponse();
    expect(data.model).toBe('b:claude-thinker');
    expect(response.headers.get('x-understudy-route-reason')).toBe('rule 3 (thinking true)');
  });

  it('checks rules in order: the first that holds wins', async () => {
    // Long and thinking, from the background model: rule 1 holds first.
    const long = [{ role: 'user' as const, content: longText }];
    const thinking = { type: 'enabled' as const, budget_tokens: 1024 };
    expect(await askClaude('claude-haiku-4-5', { messages: long, thinking })).toMatchObject({
      route: 'background',
    });
    // Long and thinking from another model: rule 2 before rule 3.
    expect(await askClaude('claude-opus-4-1', { messages: long, thinking })).toMatchObject({
      route: 'long',
      reason: 'rule 2 (inputTokensAbove 1000)',
    });
  });

  it('resolves count_tokens through the same patterns and rules', async () => {
    const count = async (model: string, content: string) => {
      const response = await fetch(`${fixture.gateway.url}/v1/messages/count_tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
      });
      expect(response.status).toBe(200);
      return [response.headers.get('x-understudy-route'), response.headers.get('x-understudy-route-reason')];
    };
    expect(await count('claude-opus-4-5-20251101', 'hi')).toEqual(['claude', 'pattern claude-*']);
    expect(await count('claude-opus-4-5-20251101', longText)).toEqual([
      'long',
      'rule 2 (inputTokensAbove 1000)',
    ]);
  });
});

describe('a key limited to routes', () => {
  it('may use an id that lands on its route, and not one that lands elsewhere', async () => {
    const limited = await startFixture(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's env reference syntax
      { ...config, clients: [{ name: 'agent', key: '${AGENT_KEY}', routes: ['claude'] }] },
      { AGENT_KEY: 'agent-key' },
    );
    try {
      const client = new Anthropic({ baseURL: limited.gateway.url, apiKey: 'agent-key', maxRetries: 0 });
      const answer = await client.messages.create({
        model: 'claude-opus-4-5-20251101',
        max_tokens: 50,
        messages: hello,
      });
      expect(answer.model).toBe('b:claude-sonnet-4-5');
      const refused = (await client.messages
        .create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: hello })
        .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.PermissionDeniedError>;
      expect(refused).toBeInstanceOf(Anthropic.PermissionDeniedError);
      expect(refused.message).toContain("may not use 'background'");
    } finally {
      await limited.close();
    }
  });
});

describe('loading a config with patterns and rules', () => {
  const load = (text: string) => () => parseConfigText(text, 'understudy.yaml');

  it('refuses a rule naming a route that is not configured, naming the line and the routes', () => {
    const text = [
      'routes:',
      '  claude: { models: [anthropic:claude-sonnet-4-5] }',
      'routing:',
      '  - when: { thinking: true }',
      '    route: thinker',
    ].join('\n');
    expect(load(text)).toThrow(ConfigError);
    expect(load(text)).toThrow(
      "understudy.yaml:5: routing[0].route: names the route 'thinker', which is not under routes: add it, or name one of claude",
    );
  });

  it('refuses a pattern that is not a glob, at the line that holds it', () => {
    const text = [
      'routes:',
      '  claude:',
      '    models: [anthropic:claude-sonnet-4-5]',
      "    match: ['claude-.*$']",
    ];
    expect(load(text.join('\n'))).toThrow(
      /^understudy\.yaml:4: routes\.claude\.match\[0\]: a model pattern is a model id where '\*' stands for any characters/,
    );
  });

  it('refuses a rule with no condition, saying which conditions there are', () => {
    const text = ['routes:', '  a: { models: [openai:gpt-4o] }', 'routing:', '  - { when: {}, route: a }'];
    expect(load(text.join('\n'))).toThrow(/give at least one condition: inputTokensAbove, thinking or model/);
  });

  it('loads patterns and rules that are well formed', () => {
    const config = parseConfigText(
      [
        'routes:',
        "  claude: { models: [anthropic:claude-sonnet-4-5], match: ['claude-*'] }",
        'routing:',
        "  - { when: { model: 'claude-*haiku*', inputTokensAbove: 60000 }, route: claude }",
      ].join('\n'),
    );
    expect(config.routes?.claude?.match).toEqual(['claude-*']);
    expect(config.routing).toEqual([
      { when: { model: 'claude-*haiku*', inputTokensAbove: 60000 }, route: 'claude' },
    ]);
  });
});
