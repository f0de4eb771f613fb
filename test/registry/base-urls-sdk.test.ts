/**
 * Each base-URL variable that has an official client among the dev dependencies, set once in the
 * process environment and read by both that client and Understudy, against the same chaos emulator:
 * if the two disagree on what the variable holds, one of them gets a 404.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../src/chaos/index.ts';
import { UserError } from '../../src/core/errors/index.ts';
import { type ModelMessage, responseText, userPrompt } from '../../src/core/messages.ts';
import { inferModel } from '../../src/registry/index.ts';
import { type PathRecorder, startPathRecorder } from './path-recorder.ts';

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello')] }];
const ECHO = 'echo: hello';

/** Only the variables a test sets: a developer's real keys or base URLs must not leak into the run. */
function onlyEnv(vars: Record<string, string>): void {
  for (const name of Object.keys(process.env)) {
    if (/_(BASE_URL|API_KEY|ENDPOINT|API_VERSION)$|^AWS_/.test(name)) vi.stubEnv(name, undefined);
  }
  for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
}

let openaiChaos: ChaosServer;
let responsesChaos: ChaosServer;
let anthropicChaos: ChaosServer;
beforeAll(async () => {
  [openaiChaos, responsesChaos, anthropicChaos] = await Promise.all([
    startChaosServer({ protocol: 'openai' }),
    startChaosServer({ protocol: 'openai-responses' }),
    startChaosServer({ protocol: 'anthropic' }),
  ]);
});
afterAll(() => Promise.all([openaiChaos.close(), responsesChaos.close(), anthropicChaos.close()]));
afterEach(() => vi.unstubAllEnvs());

describe('ANTHROPIC_BASE_URL holds the host, as @anthropic-ai/sdk and Claude Code read it', () => {
  test('the chaos url is what new Anthropic({ baseURL }) takes, and inferModel takes it too', async () => {
    const client = new Anthropic({ baseURL: anthropicChaos.url, apiKey: 'k', maxRetries: 0 });
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text', text: ECHO });
    const model = inferModel('anthropic:claude-sonnet-4-5', { baseUrl: anthropicChaos.url, apiKey: 'k' });
    expect(responseText(await model.request(hello))).toBe(ECHO);
  });

  test('one ANTHROPIC_BASE_URL serves the official client and Understudy alike', async () => {
    onlyEnv({ ANTHROPIC_BASE_URL: anthropicChaos.url, ANTHROPIC_API_KEY: 'sk-ant-test' });
    const client = new Anthropic({ maxRetries: 0 });
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text', text: ECHO });
    expect(responseText(await inferModel('anthropic:claude-sonnet-4-5').request(hello))).toBe(ECHO);
  });

  test('the old form with /v1 still works for Understudy, without doubling it', async () => {
    onlyEnv({ ANTHROPIC_BASE_URL: `${anthropicChaos.url}/v1/`, ANTHROPIC_API_KEY: 'sk-ant-test' });
    expect(responseText(await inferModel('anthropic:claude-sonnet-4-5').request(hello))).toBe(ECHO);
  });

  test('a value that is not a URL is named in the error, before any request', () => {
    onlyEnv({ ANTHROPIC_BASE_URL: '127.0.0.1:8787' });
    expect(() => inferModel('anthropic:claude-sonnet-4-5')).toThrow(UserError);
    expect(() => inferModel('anthropic:claude-sonnet-4-5')).toThrow(
      /ANTHROPIC_BASE_URL .*'127\.0\.0\.1:8787'/,
    );
  });
});

describe('OPENAI_BASE_URL includes /v1, as the openai package reads it', () => {
  test('chat completions: one variable for the official client and Understudy', async () => {
    onlyEnv({ OPENAI_BASE_URL: openaiChaos.url, OPENAI_API_KEY: 'sk-test' });
    const client = new OpenAI({ maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(completion.choices[0]?.message.content).toBe(ECHO);
    expect(responseText(await inferModel('openai:gpt-4o').request(hello))).toBe(ECHO);
    expect(responseText(await inferModel('openai-chat:gpt-4o').request(hello))).toBe(ECHO);
  });

  test('responses: one variable for the official client and Understudy', async () => {
    onlyEnv({ OPENAI_BASE_URL: responsesChaos.url, OPENAI_API_KEY: 'sk-test' });
    const response = await new OpenAI({ maxRetries: 0 }).responses.create({
      model: 'gpt-4o',
      input: 'hello',
    });
    expect(response.output_text).toBe(ECHO);
    expect(responseText(await inferModel('openai-responses:gpt-4o').request(hello))).toBe(ECHO);
  });
});

describe('AZURE_OPENAI_ENDPOINT holds the resource, as the openai package AzureOpenAI reads it', () => {
  let recorder: PathRecorder;
  beforeAll(async () => {
    recorder = await startPathRecorder();
  });
  afterAll(() => recorder.close());

  test('the official client and Understudy request the same deployment URL', async () => {
    onlyEnv({
      AZURE_OPENAI_ENDPOINT: recorder.url,
      AZURE_OPENAI_API_KEY: 'az',
      OPENAI_API_VERSION: '2024-10-21',
    });
    const official = new AzureOpenAI({ maxRetries: 0 });
    await official.chat.completions
      .create({ model: 'my-deployment', messages: [{ role: 'user', content: 'hello' }] })
      .catch(() => {});
    await inferModel('azure:my-deployment')
      .request(hello)
      .catch(() => {});
    const expected = '/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21';
    expect(recorder.takePaths()).toEqual([expected, expected]);
  });

  test("AzureOpenAI's baseURL form (ending in /openai) and Azure's v1 API are read without doubling", async () => {
    onlyEnv({ AZURE_OPENAI_API_KEY: 'az' });
    for (const baseUrl of [`${recorder.url}/openai/`, `${recorder.url}/openai/v1`]) {
      await inferModel('azure:dep', { baseUrl, apiVersion: '2025-01-01' })
        .request(hello)
        .catch(() => {});
    }
    expect(recorder.takePaths()).toEqual([
      '/openai/deployments/dep/chat/completions?api-version=2025-01-01',
      '/openai/v1/chat/completions',
    ]);
  });
});
