/**
 * The OpenAI emulator's `POST /v1/embeddings`: `input` as a string, strings, token ids or lists of them;
 * `encoding_format` `float` or `base64` (little-endian float32s, as OpenAI sends them, and as the
 * official SDK asks for by default); `dimensions`. Each vector is made from its input alone — the same
 * text always gets the same unit vector — so a test can compare vectors across a fallback. Faults that
 * end a call before its answer (statuses, resets, hangs) apply as to chat; a stream's faults do not.
 */
import { countTokens } from '../answers.ts';
import type { ChaosRequest, HttpReply } from './protocol.ts';
import { jsonReply } from './protocol.ts';

/** Shorter than any real model's, so tests and benchmarks move few bytes; `dimensions` sets another. */
export const CHAOS_EMBEDDING_DIMENSIONS = 8;
const MAX_DIMENSIONS = 4096;

function invalid(message: string, param: string | null): HttpReply {
  return jsonReply(400, { error: { message, type: 'invalid_request_error', param, code: null } });
}

/** A validated embeddings request, or OpenAI's 400 for what is wrong with it. */
export function parseEmbeddingsRequest(body: Record<string, unknown>): ChaosRequest | HttpReply {
  const { model, input, encoding_format: format, dimensions } = body;
  if (typeof model !== 'string' || model === '')
    return invalid('you must provide a model parameter', 'model');
  const inputs = inputsOf(input);
  if (inputs === undefined)
    return invalid("'input' must be a string, an array of strings, or an array of token arrays.", 'input');
  if (inputs.length === 0) return invalid("'input' cannot be an empty array.", 'input');
  if (format !== undefined && format !== 'float' && format !== 'base64')
    return invalid(
      `'${String(format)}' is not one of ['float', 'base64'] - 'encoding_format'`,
      'encoding_format',
    );
  if (
    dimensions !== undefined &&
    !(Number.isInteger(dimensions) && (dimensions as number) > 0 && (dimensions as number) <= MAX_DIMENSIONS)
  )
    return invalid(`'dimensions' must be a whole number from 1 to ${MAX_DIMENSIONS}.`, 'dimensions');
  return embeddingRequest(model, {
    inputs,
    dimensions: (dimensions as number | undefined) ?? CHAOS_EMBEDDING_DIMENSIONS,
    base64: format === 'base64',
  });
}

/** An embeddings request as the server handles it: no answer text, tools or stream; tokens counted. */
export function embeddingRequest(
  model: string,
  embedding: NonNullable<ChaosRequest['embedding']>,
): ChaosRequest {
  let inputTokens = 0;
  for (const item of embedding.inputs)
    inputTokens += typeof item === 'string' ? countTokens(item) : item.length;
  return {
    kind: 'request',
    model,
    stream: false,
    includeUsage: false,
    sse: false,
    inputTokens,
    lastUserText: '',
    tools: [],
    forcedTool: undefined,
    hasToolResults: false,
    maxTokens: undefined,
    embedding,
  };
}

function inputsOf(input: unknown): Array<string | number[]> | undefined {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return undefined;
  if (input.length > 0 && input.every((item) => typeof item === 'number')) return [input as number[]];
  const inputs: Array<string | number[]> = [];
  for (const item of input) {
    if (typeof item === 'string') inputs.push(item);
    else if (Array.isArray(item) && item.every((token) => Number.isInteger(token)))
      inputs.push(item as number[]);
    else return undefined;
  }
  return inputs;
}

/** OpenAI's embeddings list for a validated request. */
export function embeddingsAnswer(request: ChaosRequest): string {
  const { inputs, dimensions, base64 } = request.embedding!;
  const data = inputs.map((input, index) => {
    const vector = chaosVector(typeof input === 'string' ? input : input.join(','), dimensions);
    const embedding = base64 ? Buffer.from(vector.buffer).toString('base64') : Array.from(vector);
    return { object: 'embedding', index, embedding };
  });
  return JSON.stringify({
    object: 'list',
    data,
    model: request.model,
    usage: { prompt_tokens: request.inputTokens, total_tokens: request.inputTokens },
  });
}

/** A unit vector drawn from the text's FNV-1a hash by xorshift: the same text, the same vector. */
export function chaosVector(text: string, dimensions: number): Float32Array {
  let seed = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 0x01000193);
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const value = (seed >>> 0) / 0xffffffff - 0.5;
    vector[i] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < dimensions; i++) vector[i]! *= scale;
  return vector;
}
