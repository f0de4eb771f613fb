/**
 * What every embedding adapter shares: its identity (HttpEmbeddingModel) and its one HTTP call: merge the settings, post the body to the provider's
 * endpoint under the call's deadline and signal (failures mapped once, in the transport), and hand back
 * the parsed answer. What stays in each adapter is the body it builds and how it reads the vectors.
 *
 * @example
 * const answer = await postEmbeddings(this, '/embeddings', body, settings);
 */
import type {
  EmbeddingInput,
  EmbeddingModel,
  EmbeddingResult,
  EmbeddingSettings,
} from '../core/embedding.ts';
import { UnexpectedModelBehavior } from '../core/errors/index.ts';
import { sendRequest, upstreamHeaders } from '../transport/http-call.ts';
import type { Provider } from '../transport/provider.ts';

export async function postEmbeddings(
  model: { readonly modelName: string; readonly provider: Provider },
  path: string,
  body: Record<string, unknown>,
  settings: EmbeddingSettings,
): Promise<unknown> {
  const { modelName, provider } = model;
  const answer = await sendRequest({
    modelName,
    settings,
    timeouts: provider.timeouts,
    build: async () => ({
      url: provider.url(path, modelName),
      headers: await upstreamHeaders(provider, settings, 'application/json'),
      body: JSON.stringify(settings.extraBody ? { ...body, ...settings.extraBody } : body),
    }),
  });
  try {
    return JSON.parse(answer.text);
  } catch {
    throw unexpectedEmbeddings(modelName, `the answer is not JSON: ${answer.text.slice(0, 200)}`);
  }
}

/** An answer that is not the embeddings asked for: a server fault, so a fallback may move on. */
export function unexpectedEmbeddings(modelName: string, message: string): UnexpectedModelBehavior {
  return new UnexpectedModelBehavior(`${modelName}: ${message}`, { modelName });
}

/** What every embedding adapter is built with: its provider (URL, auth) and default settings. */
export interface EmbeddingModelOptions {
  provider: Provider;
  settings?: EmbeddingSettings;
}

/** The identity every HTTP embedding adapter has; each adds its `embed`. */
export abstract class HttpEmbeddingModel implements EmbeddingModel {
  readonly modelName: string;
  readonly system: string;
  readonly settings: EmbeddingSettings | undefined;
  readonly provider: Provider;

  constructor(modelName: string, options: EmbeddingModelOptions) {
    this.modelName = modelName;
    this.provider = options.provider;
    this.system = options.provider.name;
    this.settings = options.settings;
  }

  abstract embed(inputs: readonly EmbeddingInput[], settings?: EmbeddingSettings): Promise<EmbeddingResult>;
}
