import { describe, expect, test, vi } from 'vitest';
import { UserError } from '../../src/core/errors/index.ts';
import { createProvider, knownPrefixes, PLACEHOLDER_API_KEY } from '../../src/registry/create-provider.ts';

const CASES: Array<[prefix: string, baseUrl: string, keyVar: string, header: string]> = [
  ['openai', 'https://api.openai.com/v1', 'OPENAI_API_KEY', 'authorization'],
  ['openai-chat', 'https://api.openai.com/v1', 'OPENAI_API_KEY', 'authorization'],
  ['anthropic', 'https://api.anthropic.com/v1', 'ANTHROPIC_API_KEY', 'x-api-key'],
  ['google-gla', 'https://generativelanguage.googleapis.com/v1beta', 'GOOGLE_API_KEY', 'x-goog-api-key'],
  ['groq', 'https://api.groq.com/openai/v1', 'GROQ_API_KEY', 'authorization'],
  ['mistral', 'https://api.mistral.ai/v1', 'MISTRAL_API_KEY', 'authorization'],
  ['cohere', 'https://api.cohere.ai/compatibility/v1', 'CO_API_KEY', 'authorization'],
  ['xai', 'https://api.x.ai/v1', 'XAI_API_KEY', 'authorization'],
  ['deepseek', 'https://api.deepseek.com/v1', 'DEEPSEEK_API_KEY', 'authorization'],
  ['openrouter', 'https://openrouter.ai/api/v1', 'OPENROUTER_API_KEY', 'authorization'],
  ['vercel', 'https://ai-gateway.vercel.sh/v1', 'AI_GATEWAY_API_KEY', 'authorization'],
  ['cerebras', 'https://api.cerebras.ai/v1', 'CEREBRAS_API_KEY', 'authorization'],
  ['moonshotai', 'https://api.moonshot.ai/v1', 'MOONSHOTAI_API_KEY', 'authorization'],
  ['fireworks', 'https://api.fireworks.ai/inference/v1', 'FIREWORKS_API_KEY', 'authorization'],
  ['together', 'https://api.together.xyz/v1', 'TOGETHER_API_KEY', 'authorization'],
  ['heroku', 'https://us.inference.heroku.com/v1', 'HEROKU_INFERENCE_KEY', 'authorization'],
  ['huggingface', 'https://router.huggingface.co/v1', 'HF_TOKEN', 'authorization'],
  ['github', 'https://models.github.ai/inference', 'GITHUB_TOKEN', 'authorization'],
  ['nebius', 'https://api.studio.nebius.com/v1', 'NEBIUS_API_KEY', 'authorization'],
  ['ovhcloud', 'https://oai.endpoints.kepler.ai.cloud.ovh.net/v1', 'OVHCLOUD_API_KEY', 'authorization'],
  ['alibaba', 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1', 'DASHSCOPE_API_KEY', 'authorization'],
  ['sambanova', 'https://api.sambanova.ai/v1', 'SAMBANOVA_API_KEY', 'authorization'],
];

describe('provider table', () => {
  test.each(CASES)('%s: real base URL, key from %s', async (prefix, baseUrl, keyVar, header) => {
    const provider = createProvider(prefix, { env: { [keyVar]: 'k-123' } });
    expect(provider.baseUrl).toBe(baseUrl);
    const headers = await provider.headers();
    expect(headers[header]).toBe(header === 'authorization' ? 'Bearer k-123' : 'k-123');
  });

  test.each(CASES)(
    '%s: a missing key names the variable at the first request, not before',
    async (prefix, _b, keyVar) => {
      const provider = createProvider(prefix, { env: {} });
      await expect(async () => provider.headers()).rejects.toThrow(UserError);
      await expect(async () => provider.headers()).rejects.toThrow(keyVar);
    },
  );

  test('every base URL can be overridden by <PREFIX>_BASE_URL, then by options', async () => {
    const env = { GROQ_BASE_URL: 'http://127.0.0.1:9/v1/', GOOGLE_GLA_BASE_URL: 'http://127.0.0.1:8' };
    expect(createProvider('groq', { env }).baseUrl).toBe('http://127.0.0.1:9/v1');
    expect(createProvider('google-gla', { env }).baseUrl).toBe('http://127.0.0.1:8/v1beta');
    // GROQ_BASE_URL and the option take groq-sdk's form, the host: the SDK's /openai/v1 is added.
    expect(createProvider('groq', { env, baseUrl: 'http://127.0.0.1:7' }).baseUrl).toBe(
      'http://127.0.0.1:7/openai/v1',
    );
    expect(createProvider('openai', { env: { OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' } }).baseUrl).toBe(
      'http://127.0.0.1:1/v1',
    );
  });

  test('a base URL without a key sends the placeholder key', async () => {
    const provider = createProvider('openai', { env: {}, baseUrl: 'http://127.0.0.1:9001/v1' });
    expect(await provider.headers()).toEqual({ authorization: `Bearer ${PLACEHOLDER_API_KEY}` });
    const fromEnv = createProvider('anthropic', { env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9002/v1' } });
    expect((await fromEnv.headers())['x-api-key']).toBe(PLACEHOLDER_API_KEY);
  });

  test('anthropic sends its API version', async () => {
    const headers = await createProvider('anthropic', { apiKey: 'a' }).headers();
    expect(headers).toEqual({ 'x-api-key': 'a', 'anthropic-version': '2023-06-01' });
  });

  test('ollama and litellm are local and need no key', async () => {
    expect(createProvider('ollama', { env: {} }).baseUrl).toBe('http://127.0.0.1:11434/v1');
    expect(await createProvider('litellm', { env: {} }).headers()).toEqual({
      authorization: `Bearer ${PLACEHOLDER_API_KEY}`,
    });
  });

  test('google-vertex builds its URL from project and location; token from env or a function', async () => {
    const regional = createProvider('google-vertex', {
      env: {
        GOOGLE_CLOUD_PROJECT: 'p1',
        GOOGLE_CLOUD_LOCATION: 'us-central1',
        GOOGLE_VERTEX_ACCESS_TOKEN: 't1',
      },
    });
    expect(regional.baseUrl).toBe(
      'https://us-central1-aiplatform.googleapis.com/v1/projects/p1/locations/us-central1/publishers/google',
    );
    expect(await regional.headers()).toEqual({ authorization: 'Bearer t1' });
    const global = createProvider('vertexai', { env: {}, project: 'p2', accessToken: async () => 'fresh' });
    expect(global.name).toBe('google-vertex');
    expect(global.baseUrl).toBe(
      'https://aiplatform.googleapis.com/v1/projects/p2/locations/global/publishers/google',
    );
    expect(await global.headers()).toEqual({ authorization: 'Bearer fresh' });
    expect(() => createProvider('google-vertex', { env: {} })).toThrow(/GOOGLE_CLOUD_PROJECT/);
    await expect(async () =>
      createProvider('google-vertex', { env: { GOOGLE_CLOUD_PROJECT: 'p' } }).headers(),
    ).rejects.toThrow(/GOOGLE_VERTEX_ACCESS_TOKEN/);
  });

  test('azure: endpoint + deployment + api-version, api-key header', async () => {
    const azure = createProvider('azure', {
      env: {
        AZURE_OPENAI_ENDPOINT: 'https://acme.openai.azure.com/',
        AZURE_OPENAI_API_KEY: 'az',
        OPENAI_API_VERSION: '2025-01-01',
      },
    });
    expect(azure.url('/chat/completions', 'my-gpt4o')).toBe(
      'https://acme.openai.azure.com/openai/deployments/my-gpt4o/chat/completions?api-version=2025-01-01',
    );
    expect(await azure.headers()).toEqual({ 'api-key': 'az' });
    expect(() => createProvider('azure', { env: {} })).toThrow(/AZURE_OPENAI_ENDPOINT/);
  });

  test('grok is a deprecated alias of xai and warns once', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const grok = createProvider('grok', { env: { XAI_API_KEY: 'x' } });
      createProvider('grok', { env: { XAI_API_KEY: 'x' } });
      expect(grok.baseUrl).toBe('https://api.x.ai/v1');
      expect(await grok.headers()).toEqual({ authorization: 'Bearer x' });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toContain("use 'xai:'");
    } finally {
      warn.mockRestore();
    }
  });

  test('an unknown prefix suggests the one meant when one is close, and lists the known ones', () => {
    expect(() => createProvider('opneai')).toThrow(UserError);
    expect(() => createProvider('opneai')).toThrow(
      /Unknown provider prefix 'opneai' — did you mean 'openai'\? Known prefixes: .*anthropic.*openai/,
    );
    expect(() => createProvider('zzqx')).toThrow(/Unknown provider prefix 'zzqx'\. Known prefixes: /);
    expect(knownPrefixes()).toContain('vertexai');
  });

  test.each(['sentence-transformers', 'voyageai', 'outlines'])('%s gets a clear UserError', (prefix) => {
    expect(() => createProvider(prefix)).toThrow(
      new RegExp(`Provider prefix '${prefix}' is not available: .+`),
    );
  });

  test('openai-responses: the OpenAI base URL and key, the Responses protocol', async () => {
    const provider = createProvider('openai-responses', {
      env: { OPENAI_API_KEY: 'sk-1', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    });
    expect(provider.protocol).toBe('openai-responses');
    expect(provider.url('/responses', 'gpt-5')).toBe('http://127.0.0.1:9/v1/responses');
    expect(await provider.headers()).toEqual({ authorization: 'Bearer sk-1' });
  });

  test('bedrock: region-based base URL, BEDROCK_BASE_URL override, bearer only with a Bedrock API key', async () => {
    const regional = createProvider('bedrock', { env: { AWS_REGION: 'eu-west-3' } });
    expect(regional.protocol).toBe('bedrock');
    expect(regional.baseUrl).toBe('https://bedrock-runtime.eu-west-3.amazonaws.com');
    // No API key: the adapter signs with SigV4, so the provider adds no auth header and raises no error.
    expect(await regional.headers()).toEqual({});
    expect(createProvider('bedrock', { env: {} }).baseUrl).toBe(
      'https://bedrock-runtime.us-east-1.amazonaws.com',
    );
    expect(createProvider('bedrock', { env: { AWS_DEFAULT_REGION: 'ap-south-1' } }).baseUrl).toBe(
      'https://bedrock-runtime.ap-south-1.amazonaws.com',
    );
    const keyed = createProvider('bedrock', {
      env: { AWS_BEARER_TOKEN_BEDROCK: 'bedrock-key', BEDROCK_BASE_URL: 'http://127.0.0.1:9/' },
    });
    expect(keyed.baseUrl).toBe('http://127.0.0.1:9');
    expect(await keyed.headers()).toEqual({ authorization: 'Bearer bedrock-key' });
  });
});

describe('inferModel for bedrock', () => {
  test('signs with the AWS credentials of its env option, not only process.env', async () => {
    const { createServer } = await import('node:http');
    const { inferModel } = await import('../../src/registry/infer-model.ts');
    let authorization = '';
    const server = createServer((req, res) => {
      authorization = String(req.headers.authorization);
      req.resume();
      res.writeHead(500, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'InternalServerException',
      });
      res.end('{"message":"stop here"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const model = inferModel('bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0', {
        baseUrl: `http://127.0.0.1:${port}`,
        env: { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' },
      });
      await model
        .request([{ kind: 'request', parts: [{ partKind: 'user-prompt', content: 'hi' }] }])
        .catch(() => {});
      expect(authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/bedrock\/aws4_request/,
      );
    } finally {
      server.close();
    }
  });
});
