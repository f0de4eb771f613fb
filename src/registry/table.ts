/**
 * Every provider prefix Understudy knows: its protocol, real base URL and where its key comes from.
 * This is data, not code, so adding an OpenAI-compatible host is one line.
 */
import type { Protocol } from '../transport/provider.ts';

export type AuthScheme = 'bearer' | 'x-api-key' | 'x-goog-api-key' | 'api-key';

export interface ProviderRecord {
  protocol: Protocol;
  /**
   * The real service's base URL in the form its official SDK holds it (`https://api.anthropic.com`);
   * `undefined` when it must come from the environment or options.
   */
  baseUrl: string | undefined;
  /**
   * The path the official SDK appends to its base URL (`/v1` for Anthropic, `/openai/v1` for Groq), for
   * providers whose `*_BASE_URL` holds the host only. Absent for the OpenAI convention, where the variable
   * already ends in `/v1`. See `apiRoot`.
   */
  sdkPath?: string;
  /** Environment variables holding the key, the first set one wins. `<PREFIX>_API_KEY` is always tried first. */
  keyEnv: string[];
  /** Extra environment variables for the base URL, after `<PREFIX>_BASE_URL`. */
  baseUrlEnv?: string[];
  auth: AuthScheme;
  /** The key is only read from `keyEnv`, not `<PREFIX>_API_KEY` (Vertex takes an OAuth token, not a key). */
  onlyKeyEnv?: boolean;
  /** Local servers that need no key (the placeholder key is sent). */
  keyOptional?: boolean;
  /** Shown once when the prefix is used: a deprecated alias. */
  deprecatedFor?: string;
}

const openaiCompatible = (baseUrl: string | undefined, ...keyEnv: string[]): ProviderRecord => ({
  protocol: 'openai-chat',
  baseUrl,
  keyEnv,
  auth: 'bearer',
});

export const PROVIDERS: Record<string, ProviderRecord> = {
  openai: openaiCompatible('https://api.openai.com/v1'),
  'openai-chat': {
    ...openaiCompatible('https://api.openai.com/v1', 'OPENAI_API_KEY'),
    baseUrlEnv: ['OPENAI_BASE_URL'],
  },
  'openai-responses': {
    ...openaiCompatible('https://api.openai.com/v1', 'OPENAI_API_KEY'),
    protocol: 'openai-responses',
    baseUrlEnv: ['OPENAI_BASE_URL'],
  },
  // The base URL is built from the region (see bedrockBaseUrl). Requests are SigV4-signed with the AWS
  // credentials unless a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK) is set, so no key is required here.
  // The AWS SDKs' endpoint variables are honoured after BEDROCK_BASE_URL: the service-specific one, then
  // the global one (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true).
  bedrock: {
    protocol: 'bedrock',
    baseUrl: undefined,
    baseUrlEnv: ['AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'AWS_ENDPOINT_URL'],
    keyEnv: ['AWS_BEARER_TOKEN_BEDROCK'],
    auth: 'bearer',
    keyOptional: true,
  },
  anthropic: {
    protocol: 'anthropic',
    // @anthropic-ai/sdk and Claude Code: ANTHROPIC_BASE_URL is the host, the SDK adds /v1/messages.
    baseUrl: 'https://api.anthropic.com',
    sdkPath: '/v1',
    keyEnv: [],
    auth: 'x-api-key',
  },
  'google-gla': {
    protocol: 'google',
    // @google/genai and Gemini CLI: GOOGLE_GEMINI_BASE_URL is the host, the SDK adds the API version.
    baseUrl: 'https://generativelanguage.googleapis.com',
    sdkPath: '/v1beta',
    keyEnv: ['GOOGLE_API_KEY', 'GEMINI_API_KEY'],
    baseUrlEnv: ['GOOGLE_GEMINI_BASE_URL', 'GOOGLE_BASE_URL', 'GEMINI_BASE_URL'],
    auth: 'x-goog-api-key',
  },
  // Vertex's base URL is built from project and location (see vertexBaseUrl); its key is an OAuth token.
  'google-vertex': {
    protocol: 'google',
    baseUrl: undefined,
    keyEnv: ['GOOGLE_VERTEX_ACCESS_TOKEN'],
    onlyKeyEnv: true,
    auth: 'bearer',
  },
  // groq-sdk: GROQ_BASE_URL is the host, the SDK adds /openai/v1.
  groq: { ...openaiCompatible('https://api.groq.com'), sdkPath: '/openai/v1' },
  mistral: openaiCompatible('https://api.mistral.ai/v1'),
  cohere: openaiCompatible('https://api.cohere.ai/compatibility/v1', 'CO_API_KEY'),
  xai: openaiCompatible('https://api.x.ai/v1'),
  grok: {
    ...openaiCompatible('https://api.x.ai/v1', 'XAI_API_KEY'),
    baseUrlEnv: ['XAI_BASE_URL'],
    deprecatedFor: 'xai',
  },
  deepseek: openaiCompatible('https://api.deepseek.com/v1'),
  openrouter: openaiCompatible('https://openrouter.ai/api/v1'),
  vercel: openaiCompatible('https://ai-gateway.vercel.sh/v1', 'AI_GATEWAY_API_KEY', 'VERCEL_OIDC_TOKEN'),
  azure: {
    protocol: 'openai-chat',
    baseUrl: undefined,
    keyEnv: ['AZURE_OPENAI_API_KEY'],
    baseUrlEnv: ['AZURE_OPENAI_ENDPOINT'],
    auth: 'api-key',
  },
  // @cerebras/cerebras_cloud_sdk: CEREBRAS_BASE_URL is the host, the SDK adds /v1.
  cerebras: { ...openaiCompatible('https://api.cerebras.ai'), sdkPath: '/v1' },
  moonshotai: openaiCompatible('https://api.moonshot.ai/v1', 'MOONSHOT_API_KEY'),
  fireworks: openaiCompatible('https://api.fireworks.ai/inference/v1'),
  together: openaiCompatible('https://api.together.xyz/v1'),
  // Heroku's INFERENCE_URL config var (HEROKU_INFERENCE_URL in pydantic-ai) is the host; /v1 is added.
  heroku: {
    ...openaiCompatible('https://us.inference.heroku.com', 'HEROKU_INFERENCE_KEY'),
    sdkPath: '/v1',
    baseUrlEnv: ['HEROKU_INFERENCE_URL'],
  },
  huggingface: openaiCompatible('https://router.huggingface.co/v1', 'HF_TOKEN'),
  ollama: { ...openaiCompatible('http://127.0.0.1:11434/v1'), keyOptional: true },
  github: openaiCompatible('https://models.github.ai/inference', 'GITHUB_TOKEN'),
  litellm: { ...openaiCompatible('http://127.0.0.1:4000/v1'), keyOptional: true },
  nebius: openaiCompatible('https://api.studio.nebius.com/v1'),
  ovhcloud: openaiCompatible('https://oai.endpoints.kepler.ai.cloud.ovh.net/v1'),
  alibaba: openaiCompatible('https://dashscope-intl.aliyuncs.com/compatible-mode/v1', 'DASHSCOPE_API_KEY'),
  sambanova: openaiCompatible('https://api.sambanova.ai/v1'),
};

/** Prefixes that name the same provider as another. */
export const ALIASES: Record<string, string> = { vertexai: 'google-vertex' };

/** Prefixes Understudy recognises but cannot serve as chat models, with the reason. */
export const UNSUPPORTED: Record<string, string> = {
  'sentence-transformers': 'sentence-transformers is an embeddings library, not a chat model provider',
  voyageai: 'Voyage AI serves embeddings and reranking only, not chat models',
  outlines: 'outlines runs models inside a Python process; it has no HTTP API to call from TypeScript',
};

/** `google-gla` → `GOOGLE_GLA`: the environment-variable stem of a prefix. */
export function envStem(prefix: string): string {
  return prefix.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
