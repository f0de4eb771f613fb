/**
 * Reads an OpenAI `POST /v1/embeddings` body: `model` (a route, a `'provider:model'` id or one a route's
 * pattern takes) and the gateway's `models` fallbacks, `input` (a string, strings, token ids, or lists of
 * token ids), `encoding_format` (`float`, the default, or `base64`) and `dimensions`. `user` (an end-user
 * id for OpenAI's abuse monitoring) is accepted and not forwarded: the gateway's own keys identify callers.
 *
 * @example
 * parseEmbeddingsRequest({ model: 'embed', input: ['a', 'b'], encoding_format: 'base64' })
 * // { modelIds: ['embed'], inputs: ['a', 'b'], base64: true, dimensions: undefined, estimatedTokens: 1 }
 */
import { z } from 'zod';
import type { EmbeddingInput } from '../../core/embedding.ts';
import { safeName } from '../config/safe-name.ts';
import { invalidRequest } from '../errors/zod-issue.ts';

const modelId = safeName.max(256);
const tokens = z.array(z.number().int().nonnegative()).min(1);

const embeddingsRequestSchema = z.object({
  model: modelId,
  models: z.array(modelId).max(16).optional(),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(2048),
    tokens,
    z.array(tokens).min(1).max(2048),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});

export interface EmbeddingsCall {
  modelIds: string[];
  inputs: EmbeddingInput[];
  base64: boolean;
  dimensions: number | undefined;
  /** Characters / 4 of the text (token ids count one each), for the tokens-per-minute limit. */
  estimatedTokens: number;
  /** Gemini's `taskType`, from a Gemini client (see EmbeddingSettings). */
  taskType?: string;
}

export function parseEmbeddingsRequest(body: unknown): EmbeddingsCall {
  const parsed = embeddingsRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidRequest(parsed.error);
  const request = parsed.data;
  const input = request.input;
  const inputs: EmbeddingInput[] =
    typeof input === 'string'
      ? [input]
      : input.length > 0 && typeof input[0] === 'number'
        ? [input as number[]]
        : (input as EmbeddingInput[]);
  return {
    modelIds: [request.model, ...(request.models ?? [])],
    inputs,
    base64: request.encoding_format === 'base64',
    dimensions: request.dimensions,
    estimatedTokens: estimateEmbeddingTokens(inputs),
  };
}

/** Four characters a token, as the gateway estimates prompts; a token id is one. */
export function estimateEmbeddingTokens(inputs: readonly EmbeddingInput[]): number {
  let characters = 0;
  let tokenIds = 0;
  for (const item of inputs) {
    if (typeof item === 'string') characters += item.length;
    else tokenIds += item.length;
  }
  return Math.ceil(characters / 4) + tokenIds;
}
