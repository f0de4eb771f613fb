/**
 * Turns a `'provider:model'` string into a Model, the way pydantic-ai does: the prefix picks the
 * provider (base URL, auth, key variable) and its protocol picks the adapter.
 *
 * @example
 * const model = inferModel('anthropic:claude-sonnet-4-5');
 * const viaGateway = inferModel('gateway/openai:gpt-4o'); // an Understudy gateway: GATEWAY_BASE_URL + GATEWAY_API_KEY
 * const local = inferModel('openai:llama3', { baseUrl: 'http://127.0.0.1:11434/v1' });
 * const claude = inferModel('anthropic:claude-sonnet-4-5', { baseUrl: 'http://127.0.0.1:8787' }); // as @anthropic-ai/sdk
 */

import { AnthropicModel } from '../adapters/anthropic/model.ts';
import { BedrockConverseModel } from '../adapters/bedrock/model.ts';
import type { AwsCredentialSource } from '../adapters/bedrock/signing.ts';
import { GoogleModel } from '../adapters/google/model.ts';
import { OpenAIChatModel } from '../adapters/openai-chat/model.ts';
import { OpenAIResponsesModel } from '../adapters/openai-responses/model.ts';
import { UserError } from '../core/errors/index.ts';
import type { Model } from '../core/model.ts';
import type { ModelSettings } from '../core/settings.ts';
import { KeyPool, type KeyPoolOptions } from '../fallback/group/key-pool.ts';
import { TestModel } from '../testing/test-model.ts';
import { keyFingerprint } from '../transport/key-fingerprint.ts';
import type { Provider } from '../transport/provider.ts';
import { createProvider, knownPrefixes } from './create-provider.ts';
import { gatewayTarget } from './gateway-provider.ts';
import type { ProviderOptions } from './provider-options.ts';

export interface InferModelOptions extends ProviderOptions {
  /** The model's own default settings. */
  settings?: ModelSettings;
  /** bedrock: AWS credentials (else the standard AWS_* variables of `env`). */
  awsCredentials?: AwsCredentialSource;
  /**
   * Several keys of one account or of several: the model is then a `KeyPool`, which moves a call to the
   * next key on a rate limit or quota error and takes out a key that fails auth (see KeyPool).
   */
  apiKeys?: readonly string[];
  /** With `apiKeys`: how the pool rests and reports its keys. */
  keyPool?: KeyPoolOptions;
}

/** Model names that identify their provider without a prefix (`gpt-4o`, `claude-...`, `gemini-...`). */
const BARE_NAME_PREFIXES: Array<[RegExp, string]> = [
  [/^(gpt-|o1|o3|o4|chatgpt-)/, 'openai'],
  [/^claude-/, 'anthropic'],
  [/^gemini-/, 'google-gla'],
];

export function inferModel(id: string, options: InferModelOptions = {}): Model {
  if (id === 'test') return new TestModel();
  if (options.apiKeys !== undefined) return keyPoolModel(id, options.apiKeys, options);
  const colon = id.indexOf(':');
  let prefix: string;
  let modelName: string;
  if (colon === -1) {
    const match = BARE_NAME_PREFIXES.find(([pattern]) => pattern.test(id));
    if (!match) {
      throw new UserError(
        `Cannot tell the provider of model '${id}': write it as 'provider:model', e.g. 'openai:${id}'. Known prefixes: ${knownPrefixes().join(', ')}.`,
      );
    }
    prefix = match[1];
    modelName = id;
  } else {
    prefix = id.slice(0, colon);
    modelName = id.slice(colon + 1);
  }
  if (modelName === '') throw new UserError(`Model id '${id}' has no model name after the ':'.`);

  if (prefix.startsWith('gateway/')) {
    const target = gatewayTarget(prefix.slice('gateway/'.length), modelName, options);
    return modelForProvider(target.modelName, target.provider, options.settings);
  }
  const provider = createProvider(prefix, options);
  if (provider.protocol === 'bedrock') {
    return new BedrockConverseModel(modelName, {
      provider,
      settings: options.settings,
      credentials: options.awsCredentials,
      env: options.env,
    });
  }
  return modelForProvider(modelName, provider, options.settings);
}

/** One model per key, each with a provider holding that key alone and naming it by its fingerprint. */
function keyPoolModel(id: string, keys: readonly string[], options: InferModelOptions): KeyPool {
  if (keys.length === 0 || keys.some((key) => typeof key !== 'string' || key === '')) {
    throw new UserError(`apiKeys for '${id}' must be a list of one or more non-empty keys.`);
  }
  const { apiKeys: _keys, keyPool, ...single } = options;
  const models = keys.map((apiKey) => {
    const model = inferModel(id, { ...single, apiKey });
    const provider = (model as { provider?: Provider }).provider;
    if (!provider) throw new UserError(`'${id}' calls no upstream: it takes no apiKeys.`);
    return withKey(model, provider, keyFingerprint(apiKey), single.settings);
  });
  return new KeyPool(models, keyPool);
}

/** The same adapter over the provider with its key's fingerprint. */
function withKey(model: Model, provider: Provider, fingerprint: string, settings?: ModelSettings): Model {
  const keyed: Provider = { ...provider, keyFingerprint: fingerprint };
  return keyed.protocol === 'bedrock'
    ? new BedrockConverseModel(model.modelName, { provider: keyed, settings })
    : modelForProvider(model.modelName, keyed, settings);
}

/** The adapter for a provider's protocol. */
export function modelForProvider(modelName: string, provider: Provider, settings?: ModelSettings): Model {
  switch (provider.protocol) {
    case 'openai-chat':
      return new OpenAIChatModel(modelName, { provider, settings });
    case 'anthropic':
      return new AnthropicModel(modelName, { provider, settings });
    case 'google':
      return new GoogleModel(modelName, { provider, settings });
    case 'openai-responses':
      return new OpenAIResponsesModel(modelName, { provider, settings });
    case 'bedrock':
      return new BedrockConverseModel(modelName, { provider, settings });
  }
}
