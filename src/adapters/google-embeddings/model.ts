/**
 * Gemini's `POST /models/{model}:batchEmbedContents`: one request per text, each vector back as
 * `values`, in order. Gemini embeds text only, so token-id inputs are a UserError naming the model.
 * `dimensions` becomes each request's `outputDimensionality`, `taskType` its `taskType`. Usage is read from `usageMetadata` when the
 * answer has it (Gemini's embeddings answers usually do not: `inputTokens` stays 0).
 *
 * @example
 * const model = new GoogleEmbeddingModel('gemini-embedding-001', { provider: createProvider('google-gla') });
 * const { embeddings } = await model.embed(['hello'], { dimensions: 256 });
 */
import type { EmbeddingInput, EmbeddingResult, EmbeddingSettings } from '../../core/embedding.ts';
import { UserError } from '../../core/errors/index.ts';
import { mergeSettings } from '../../core/settings.ts';
import { emptyUsage } from '../../core/usage.ts';
import {
  type EmbeddingModelOptions,
  HttpEmbeddingModel,
  postEmbeddings,
  unexpectedEmbeddings,
} from '../embedding-call.ts';

export type GoogleEmbeddingModelOptions = EmbeddingModelOptions;

interface BatchAnswer {
  embeddings?: Array<{ values?: unknown }>;
  usageMetadata?: { promptTokenCount?: number };
}

export class GoogleEmbeddingModel extends HttpEmbeddingModel {
  async embed(inputs: readonly EmbeddingInput[], callSettings?: EmbeddingSettings): Promise<EmbeddingResult> {
    const settings: EmbeddingSettings = mergeSettings(this.settings, callSettings);
    const model = `models/${this.modelName}`;
    const requests = inputs.map((input) => {
      if (typeof input !== 'string')
        throw new UserError(`${this.modelName} (Gemini) embeds text only; it cannot take token ids.`);
      const request: Record<string, unknown> = { model, content: { parts: [{ text: input }] } };
      if (settings.dimensions !== undefined) request.outputDimensionality = settings.dimensions;
      if (settings.taskType !== undefined) request.taskType = settings.taskType;
      return request;
    });
    const path = `/models/${encodeURIComponent(this.modelName)}:batchEmbedContents`;
    const answer = (await postEmbeddings(this, path, { requests }, settings)) as BatchAnswer | null;
    const vectors = answer?.embeddings;
    if (!Array.isArray(vectors) || vectors.length !== inputs.length)
      throw unexpectedEmbeddings(
        this.modelName,
        `expected ${inputs.length} embeddings, got ${Array.isArray(vectors) ? vectors.length : 'none'}`,
      );
    const embeddings = vectors.map((item, position) => {
      if (!Array.isArray(item?.values))
        throw unexpectedEmbeddings(this.modelName, `embedding ${position} has no values`);
      return Float32Array.from(item.values as number[]);
    });
    const usage = emptyUsage();
    usage.inputTokens = answer?.usageMetadata?.promptTokenCount ?? 0;
    return { embeddings, usage, modelName: this.modelName, providerName: this.system };
  }
}
