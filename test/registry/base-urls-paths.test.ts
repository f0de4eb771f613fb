/**
 * Base-URL variables of providers without an official client among the dev dependencies: the URL
 * Understudy requests for a value in the form the provider's SDK or docs give, recorded by a local
 * server. The old form (ending in an API version) must still land on the same path, not a doubled one.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ModelMessage, userPrompt } from '../../src/core/messages.ts';
import { inferModel } from '../../src/registry/index.ts';
import { type PathRecorder, startPathRecorder } from './path-recorder.ts';

const hello: ModelMessage[] = [{ kind: 'request', parts: [userPrompt('hello')] }];

let recorder: PathRecorder;
beforeAll(async () => {
  recorder = await startPathRecorder();
});
afterAll(() => recorder.close());

/** The path (and query) Understudy requested for one call of `id` with `env`. */
async function requestedPath(id: string, env: Record<string, string>): Promise<string | undefined> {
  await inferModel(id, { env, apiKey: 'k' })
    .request(hello)
    .catch(() => {});
  const paths = recorder.takePaths();
  expect(paths).toHaveLength(1);
  return paths[0];
}

// [model id, variable, the value's path after the origin, the path requested]
const ROWS: Array<[string, string, string, string]> = [
  // @google/genai and Gemini CLI: the host; the SDK adds the version (v1beta by default).
  [
    'google-gla:gemini-2.5-flash',
    'GOOGLE_GEMINI_BASE_URL',
    '',
    '/v1beta/models/gemini-2.5-flash:generateContent',
  ],
  [
    'google-gla:gemini-2.5-flash',
    'GOOGLE_GLA_BASE_URL',
    '',
    '/v1beta/models/gemini-2.5-flash:generateContent',
  ],
  [
    'google-gla:gemini-2.5-flash',
    'GEMINI_BASE_URL',
    '/v1beta',
    '/v1beta/models/gemini-2.5-flash:generateContent',
  ],
  ['google-gla:gemini-2.5-flash', 'GOOGLE_BASE_URL', '/v1', '/v1/models/gemini-2.5-flash:generateContent'],
  // groq-sdk and pydantic-ai: GROQ_BASE_URL is https://api.groq.com; the SDK adds /openai/v1.
  ['groq:llama-3.3-70b', 'GROQ_BASE_URL', '', '/openai/v1/chat/completions'],
  ['groq:llama-3.3-70b', 'GROQ_BASE_URL', '/openai/v1', '/openai/v1/chat/completions'],
  // @cerebras/cerebras_cloud_sdk: CEREBRAS_BASE_URL is https://api.cerebras.ai; the SDK adds /v1.
  ['cerebras:llama3.1-8b', 'CEREBRAS_BASE_URL', '', '/v1/chat/completions'],
  ['cerebras:llama3.1-8b', 'CEREBRAS_BASE_URL', '/v1', '/v1/chat/completions'],
  // Heroku's inference URL (pydantic-ai's HEROKU_INFERENCE_URL) is the host; /v1 is added when missing.
  ['heroku:claude-4-sonnet', 'HEROKU_INFERENCE_URL', '', '/v1/chat/completions'],
  ['heroku:claude-4-sonnet', 'HEROKU_INFERENCE_URL', '/v1', '/v1/chat/completions'],
  // The OpenAI convention: the variable is the API root itself, /v1 included; nothing is added.
  ['mistral:mistral-large', 'MISTRAL_BASE_URL', '/v1', '/v1/chat/completions'],
  ['together:llama', 'TOGETHER_BASE_URL', '/v1', '/v1/chat/completions'],
  ['openrouter:openai/gpt-4o', 'OPENROUTER_BASE_URL', '/api/v1', '/api/v1/chat/completions'],
  ['deepseek:deepseek-chat', 'DEEPSEEK_BASE_URL', '', '/chat/completions'],
  ['xai:grok-4', 'XAI_BASE_URL', '/v1', '/v1/chat/completions'],
  ['fireworks:llama', 'FIREWORKS_BASE_URL', '/inference/v1', '/inference/v1/chat/completions'],
  ['ollama:llama3', 'OLLAMA_BASE_URL', '/v1', '/v1/chat/completions'],
  ['github:gpt-4o', 'GITHUB_BASE_URL', '/inference', '/inference/chat/completions'],
  ['cohere:command-a', 'COHERE_BASE_URL', '/compatibility/v1', '/compatibility/v1/chat/completions'],
  // The AWS SDKs' service-specific endpoint, then the global one: an origin, the operation path is added.
  [
    'bedrock:amazon.nova-lite-v1:0',
    'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
    '',
    '/model/amazon.nova-lite-v1%3A0/converse',
  ],
  ['bedrock:amazon.nova-lite-v1:0', 'AWS_ENDPOINT_URL', '', '/model/amazon.nova-lite-v1%3A0/converse'],
  ['bedrock:amazon.nova-lite-v1:0', 'BEDROCK_BASE_URL', '', '/model/amazon.nova-lite-v1%3A0/converse'],
];

test.each(ROWS)('%s with %s=<origin>%s requests %s', async (id, variable, suffix, expected) => {
  expect(await requestedPath(id, { [variable]: recorder.url + suffix })).toBe(expected);
});

describe('GOOGLE_VERTEX_BASE_URL holds the host, as @google/genai reads it', () => {
  const path = '/publishers/google/models/gemini-2.5-flash:generateContent';

  test('with a project and location the resource path is added after the version', async () => {
    const env = {
      GOOGLE_VERTEX_BASE_URL: recorder.url,
      GOOGLE_CLOUD_PROJECT: 'p1',
      GOOGLE_CLOUD_LOCATION: 'us-central1',
    };
    expect(await requestedPath('google-vertex:gemini-2.5-flash', env)).toBe(
      `/v1/projects/p1/locations/us-central1${path}`,
    );
  });

  test('without a project (a proxy that knows it) only the publisher path is added', async () => {
    expect(await requestedPath('vertexai:gemini-2.5-flash', { GOOGLE_VERTEX_BASE_URL: recorder.url })).toBe(
      `/v1${path}`,
    );
  });

  test('the old form, ending in /publishers/google, is used as it is', async () => {
    const old = `${recorder.url}/v1/projects/p2/locations/global/publishers/google`;
    expect(await requestedPath('google-vertex:gemini-2.5-flash', { GOOGLE_VERTEX_BASE_URL: old })).toBe(
      `/v1/projects/p2/locations/global${path}`,
    );
  });
});

describe('precedence', () => {
  test('<PREFIX>_BASE_URL wins over the provider’s own variable, the option over both', async () => {
    const env = { GOOGLE_GLA_BASE_URL: `${recorder.url}/a`, GOOGLE_GEMINI_BASE_URL: `${recorder.url}/b` };
    expect(await requestedPath('google-gla:g', env)).toBe('/a/v1beta/models/g:generateContent');
    await inferModel('google-gla:g', { env, apiKey: 'k', baseUrl: `${recorder.url}/c` })
      .request(hello)
      .catch(() => {});
    expect(recorder.takePaths()).toEqual(['/c/v1beta/models/g:generateContent']);
  });

  test('AWS_ENDPOINT_URL_BEDROCK_RUNTIME wins over AWS_ENDPOINT_URL; both yield to BEDROCK_BASE_URL', async () => {
    const id = 'bedrock:m';
    const global = { AWS_ENDPOINT_URL: `${recorder.url}/global` };
    const service = { ...global, AWS_ENDPOINT_URL_BEDROCK_RUNTIME: `${recorder.url}/service` };
    expect(await requestedPath(id, service)).toBe('/service/model/m/converse');
    expect(await requestedPath(id, { ...service, BEDROCK_BASE_URL: `${recorder.url}/own` })).toBe(
      '/own/model/m/converse',
    );
  });

  test('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true makes the AWS endpoint variables count for nothing', () => {
    const env = {
      AWS_ENDPOINT_URL: recorder.url,
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      AWS_REGION: 'eu-west-1',
    };
    const model = inferModel('bedrock:m', { env, apiKey: 'k' });
    expect(model.provider?.baseUrl).toBe('https://bedrock-runtime.eu-west-1.amazonaws.com');
  });
});

test('a refused base URL is named in the error without the password or query it carried', () => {
  const build = () =>
    inferModel('openai:gpt-4o', {
      env: { OPENAI_BASE_URL: 'https://alice:s3cret@proxy.example/v1?key=abc123' },
      apiKey: 'k',
    });
  expect(build).toThrow(
    "OPENAI_BASE_URL must not carry a query or fragment: 'https://alice:***@proxy.example/v1?...'",
  );
  expect(build).not.toThrow(/s3cret|abc123/);
});
