/**
 * OpenAI's `POST /embeddings`, as OpenAI and every OpenAI-compatible host serve it: strings or token
 * arrays in, one vector per input out. Vectors are asked for in base64 — what OpenAI's own SDK asks for,
 * a quarter of the bytes of the numbers written out — and read straight into Float32Arrays; a host that
 * ignores the request and answers numbers is read too.
 *
 * @example
 * const model = new OpenAIEmbeddingModel('text-embedding-3-small', { provider: createProvider('openai') });
 * const { embeddings } = await model.embed(['hello'], { dimensions: 256 });
 */
import type { EmbeddingInput, EmbeddingResult, EmbeddingSettings } from '../../core/embedding.ts';
import type { UnexpectedModelBehavior } from '../../core/errors/index.ts';
import { base64ToBytes } from '../../core/portable.ts';
import { mergeSettings } from '../../core/settings.ts';
import { emptyUsage } from '../../core/usage.ts';
import {
  type EmbeddingModelOptions,
  HttpEmbeddingModel,
  postEmbeddings,
  unexpectedEmbeddings,
} from '../embedding-call.ts';

export type OpenAIEmbeddingModelOptions = EmbeddingModelOptions;

interface EmbeddingsAnswer {
  data?: Array<{ index?: number; embedding?: unknown }>;
  model?: string;
  usage?: { prompt_tokens?: number };
}

export class OpenAIEmbeddingModel extends HttpEmbeddingModel {
  async embed(inputs: readonly EmbeddingInput[], callSettings?: EmbeddingSettings): Promise<EmbeddingResult> {
    const settings: EmbeddingSettings = mergeSettings(this.settings, callSettings);
    const body: Record<string, unknown> = { model: this.modelName, input: inputs, encoding_format: 'base64' };
    if (settings.dimensions !== undefined) body.dimensions = settings.dimensions;
    const answer = (await postEmbeddings(this, '/embeddings', body, settings)) as EmbeddingsAnswer | null;
    const count = inputs.length;
    const data = answer?.data;
    if (!Array.isArray(data) || data.length !== count)
      throw this.unexpected(
        `expected ${count} embeddings, got ${Array.isArray(data) ? data.length : 'none'}`,
      );
    const embeddings = new Array<Float32Array>(count);
    data.forEach((item, position) => {
      const index = typeof item?.index === 'number' ? item.index : position;
      const vector = item?.embedding;
      if (typeof vector === 'string') embeddings[index] = this.floatsOf(vector, position);
      else if (Array.isArray(vector)) embeddings[index] = Float32Array.from(vector as number[]);
      else throw this.unexpected(`embedding ${position} is neither base64 nor a list of numbers`);
    });
    const usage = emptyUsage();
    usage.inputTokens = answer?.usage?.prompt_tokens ?? 0;
    return { embeddings, usage, modelName: answer?.model || this.modelName, providerName: this.system };
  }

  /** Little-endian float32s from base64, as OpenAI encodes them, viewed in place (no copy). */
  private floatsOf(base64: string, position: number): Float32Array {
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(base64);
    } catch {
      throw this.unexpected(`embedding ${position} is not valid base64`);
    }
    // base64ToBytes makes a buffer of exactly these bytes, at offset 0: aligned for a Float32Array view.
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  }

  private unexpected(message: string): UnexpectedModelBehavior {
    return unexpectedEmbeddings(this.modelName, message);
  }
}
