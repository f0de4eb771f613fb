/**
 * Chat Completions fields whose effect no other protocol can give (log probabilities, audio, hosted web
 * search) go as they are to an OpenAI model and are refused by name for any other, instead of being
 * dropped so that the client silently gets an answer without what it asked for.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startFixture } from '../api/fixture.ts';

let fixture: GatewayFixture;
let client: OpenAI;

beforeAll(async () => {
  fixture = await startFixture({
    routes: {
      gpt: { models: ['a:gpt-4o-mini'], breaker: false },
      claude: { models: ['b:claude-sonnet-4-5'], breaker: false },
    },
  });
  client = new OpenAI({ baseURL: `${fixture.gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => fixture.close());

const messages = [{ role: 'user' as const, content: 'hello there' }];
const FIELDS: [string, Record<string, unknown>][] = [
  ['logprobs', { logprobs: true }],
  ['top_logprobs', { top_logprobs: 3 }],
  ['audio', { modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'wav' } }],
  ['web_search_options', { web_search_options: {} }],
];

describe('OpenAI-only Chat Completions fields', () => {
  for (const [param, extra] of FIELDS) {
    it(`${param}: passed to an OpenAI model as sent, refused by name before any call for an Anthropic one`, async () => {
      const before = fixture.openaiUpstream.stats.requests;
      const served = await client.chat.completions.create({ model: 'gpt', messages, ...extra });
      expect(served.choices[0]?.message.content).toBe('echo: hello there');
      expect(fixture.openaiUpstream.stats.requests).toBe(before + 1);

      const anthropicBefore = fixture.anthropicUpstream.stats.requests;
      const error = (await client.chat.completions
        .create({ model: 'claude', messages, ...extra })
        .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error.message).toContain(`${param} (`);
      expect(error.message).toContain('has no equivalent on b:claude-sonnet-4-5');
      expect(fixture.anthropicUpstream.stats.requests).toBe(anthropicBefore);
    });
  }

  it('translates as before when such a field is off', async () => {
    const answer = await client.chat.completions.create({ model: 'claude', messages, logprobs: false });
    expect(answer.choices[0]?.message.content).toBe('echo: hello there');
  });
});
