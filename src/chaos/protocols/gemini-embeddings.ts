/**
 * The Gemini emulator's `:embedContent` (`{content}` → `{embedding: {values}}`) and `:batchEmbedContents`
 * (`{requests: [{model, content}]}` → `{embeddings: [{values}]}`), with `outputDimensionality`. Vectors
 * are the OpenAI emulator's (`chaosVector`): the same text gets the same vector from either, so a test can
 * compare them across a fallback between the two protocols.
 */
import { CHAOS_EMBEDDING_DIMENSIONS, chaosVector, embeddingRequest } from './openai-embeddings.ts';
import type { ChaosRequest, HttpReply } from './protocol.ts';
import { isObject, jsonReply } from './protocol.ts';

function invalid(message: string): HttpReply {
  return jsonReply(400, { error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
}

/** The text of a `Content`: its parts' text, joined (Gemini embeds text parts only). */
function textOf(content: unknown): string | undefined {
  if (!isObject(content) || !Array.isArray(content.parts)) return undefined;
  let text = '';
  for (const part of content.parts) if (isObject(part) && typeof part.text === 'string') text += part.text;
  return text;
}

export function parseGeminiEmbeddings(
  body: Record<string, unknown>,
  model: string,
): ChaosRequest | HttpReply {
  const batch = body.requests !== undefined;
  const requests = batch ? body.requests : [body];
  if (!Array.isArray(requests) || requests.length === 0)
    return invalid('* BatchEmbedContentsRequest.requests: requests must not be empty.\n');
  const inputs: string[] = [];
  let dimensions: number | undefined;
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i];
    const text = isObject(request) ? textOf(request.content) : undefined;
    if (text === undefined)
      return invalid(`* EmbedContentRequest.content: content is not specified (request ${i}).\n`);
    inputs.push(text);
    const size = isObject(request) ? request.outputDimensionality : undefined;
    if (typeof size === 'number') dimensions = size;
  }
  return embeddingRequest(model, {
    inputs,
    dimensions: dimensions ?? CHAOS_EMBEDDING_DIMENSIONS,
    base64: false,
    batch,
  });
}

export function geminiEmbeddingsAnswer(request: ChaosRequest): string {
  const { inputs, dimensions, batch } = request.embedding!;
  const vectors = inputs.map((input) => ({
    values: Array.from(chaosVector(typeof input === 'string' ? input : input.join(','), dimensions)),
  }));
  return JSON.stringify(batch ? { embeddings: vectors } : { embedding: vectors[0] });
}
