/**
 * The embedding models behind a resolved chain: each chat model of the chain becomes the embedding model
 * of the same name on the same provider, and together a FallbackEmbeddingModel under the route's circuit
 * breaker — so routes, patterns, `models: [...]` and breakers mean for `/v1/embeddings` what they mean
 * for chat. Providers that speak OpenAI's protocol embed through `/embeddings`, Gemini's through
 * `:batchEmbedContents`; any other is refused with a 400 naming the model.
 *
 * @example
 * const model = embeddingChain(context.registry.route(['embed'], traits));
 * const { embeddings } = await model.embed(['hello']);
 */

import { GoogleEmbeddingModel } from '../../adapters/google-embeddings/model.ts';
import { OpenAIEmbeddingModel } from '../../adapters/openai-embeddings/model.ts';
import type { EmbeddingModel } from '../../core/embedding.ts';
import type { Model } from '../../core/model.ts';
import { FallbackEmbeddingModel } from '../../fallback/fallback-embedding-model.ts';
import { FallbackModel } from '../../fallback/fallback-model.ts';
import type { Provider } from '../../transport/provider.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Chain } from '../routing/model-registry.ts';

// Chains are built once per config and reused, so their embedding models are too.
const built = new WeakMap<Chain, FallbackEmbeddingModel>();

export function embeddingChain(chain: Chain): FallbackEmbeddingModel {
  let model = built.get(chain);
  if (model) return model;
  const chat = chain.model instanceof FallbackModel ? chain.model.models : [chain.model];
  const models = chat.map((inner, i) => embeddingModelOf(inner, chain.modelIds[i] ?? inner.modelName));
  const breaker = chain.model instanceof FallbackModel ? (chain.model.breaker ?? false) : false;
  model = new FallbackEmbeddingModel(models[0]!, ...models.slice(1), { breaker });
  built.set(chain, model);
  return model;
}

function embeddingModelOf(model: Model, id: string): EmbeddingModel {
  const provider = model.provider as Provider | undefined;
  if (provider?.protocol === 'openai-chat' || provider?.protocol === 'openai-responses')
    return new OpenAIEmbeddingModel(model.modelName, { provider });
  if (provider?.protocol === 'google') return new GoogleEmbeddingModel(model.modelName, { provider });
  throw new GatewayError(
    400,
    'invalid_request',
    `'${id}' cannot embed here: its provider speaks ${provider ? `the ${provider.protocol} protocol` : 'no HTTP protocol'}, and the gateway embeds through OpenAI-compatible /embeddings and Gemini's :batchEmbedContents. Name an embedding model of such a provider.`,
    { param: 'model' },
  );
}
