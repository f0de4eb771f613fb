/**
 * The default body limit is Anthropic's own, 32 MiB: a coding agent's long conversation (over the old
 * 1 MiB) goes through, a body over the limit gets a 413 in the client's protocol, through the official
 * clients.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startFixture } from './fixture.ts';

let fixture: GatewayFixture;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  fixture = await startFixture();
  openai = new OpenAI({ baseURL: `${fixture.gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: fixture.gateway.url, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => fixture.close());

const MIB = 1024 * 1024;
const text = (mib: number) => 'word '.repeat(Math.ceil((mib * MIB) / 5));

async function failure<T>(promise: Promise<unknown>): Promise<T> {
  return (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as T;
}

describe('the default body limit, 32 MiB', () => {
  it('accepts a 2 MiB conversation from either client', async () => {
    const long = text(2);
    const count = await anthropic.messages.countTokens({
      model: 'b:claude-sonnet-4-5',
      messages: [{ role: 'user', content: long }],
    });
    expect(count.input_tokens).toBeGreaterThan(400_000);
    const answer = await openai.chat.completions.create({
      model: 'b:claude-sonnet-4-5',
      max_tokens: 5,
      messages: [{ role: 'user', content: long }],
    });
    expect(answer.choices[0]!.finish_reason).toBe('length');
  });

  it("refuses 33 MiB with a 413 in each client's protocol", async () => {
    const huge = text(33);
    const anthropicError = await failure<InstanceType<typeof Anthropic.APIError>>(
      anthropic.messages.countTokens({ model: 'main', messages: [{ role: 'user', content: huge }] }),
    );
    expect(anthropicError).toBeInstanceOf(Anthropic.APIError);
    expect(anthropicError.status).toBe(413);
    expect(anthropicError.error).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
    const openaiError = await failure<InstanceType<typeof OpenAI.APIError>>(
      openai.chat.completions.create({ model: 'main', messages: [{ role: 'user', content: huge }] }),
    );
    expect(openaiError).toBeInstanceOf(OpenAI.APIError);
    expect(openaiError.status).toBe(413);
    expect(openaiError.code).toBe('body_too_large');
    expect(openaiError.message).toContain(`${32 * MIB} bytes`);
  });
});
