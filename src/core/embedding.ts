/**
 * Embedding models: the second kind of model, beside `Model`. Text (or token ids) in, one vector per
 * input out. Vectors are `Float32Array`s — what the providers compute and what their base64 form holds
 * — so an answer is read without a JSON array of numbers per vector, and written back in either form.
 *
 * @example
 * const { embeddings, usage } = await model.embed(['first text', 'second text'], { dimensions: 256 });
 * embeddings[0].length // 256
 */

import type { Attempt } from './messages.ts';
import type { ModelUpstream } from './model.ts';
import type { ModelSettings } from './settings.ts';
import type { RequestUsage } from './usage.ts';

/** One input: text, or token ids (OpenAI-compatible providers take those too). */
export type EmbeddingInput = string | readonly number[];

/**
 * Settings for one embedding call: the call-level ones every model takes (signal, deadline, headers,
 * body fields), and `dimensions`, for models that can shorten their vectors.
 */
export interface EmbeddingSettings
  extends Pick<ModelSettings, 'signal' | 'timeout' | 'extraHeaders' | 'extraBody'> {
  dimensions?: number;
  /**
   * What the vectors are for, in Gemini's words (`RETRIEVAL_QUERY`, `RETRIEVAL_DOCUMENT`, `SEMANTIC_SIMILARITY`,
   * ...): Gemini's embedding models tune them to it; models that take no task ignore it.
   */
  taskType?: string;
}

export interface EmbeddingResult {
  /** One vector per input, in the inputs' order. */
  embeddings: Float32Array[];
  /** `inputTokens` counts what was embedded (providers that do not say leave it 0); no output tokens. */
  usage: RequestUsage;
  /** The model that answered, and its provider. */
  modelName: string;
  providerName: string;
  /** Every attempt made, when a FallbackEmbeddingModel produced it. */
  attempts?: Attempt[];
}

export interface EmbeddingModel {
  readonly modelName: string;
  /** The provider (an HTTP model) or family (`function`) — as `Model.system`. */
  readonly system: string;
  readonly settings?: EmbeddingSettings | undefined;
  /** The upstream an HTTP model calls; breaker keys derive from it, as for `Model`. */
  readonly provider?: ModelUpstream;
  embed(inputs: readonly EmbeddingInput[], settings?: EmbeddingSettings): Promise<EmbeddingResult>;
}
