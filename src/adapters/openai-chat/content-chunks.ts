/**
 * Reads `content` sent as an array of typed chunks instead of a string. Mistral's reasoning models
 * answer this way, whole and streamed: `{ type: 'thinking', thinking: [{ type: 'text', text }] }` and then
 * `{ type: 'text', text }` (https://docs.mistral.ai/capabilities/reasoning/). A chunk type we cannot
 * read is skipped with a warning rather than failing the answer: the text beside it is still the
 * model's answer, and an error would make a FallbackModel throw it away and pay another provider for it.
 */

import type { ModelResponseStreamEvent } from '../../core/messages.ts';
import { warn } from '../../core/portable.ts';
import type { ResponseBuilder } from '../../core/response-builder.ts';
import type { ChatContentChunk } from './api.ts';

/** The chunk types we read; named in the warning so a reader knows what the others are compared to. */
const READABLE = "'text', 'thinking' and 'refusal'";

/**
 * Feeds each chunk to the builder in order (a stream's transition frame can close the thinking and open
 * the text in one array). Vendor ids are the ones string `content` and `reasoning_content` use, so a
 * stream that switches from chunk arrays to plain strings (Mistral does, once thinking ends) keeps
 * growing the same parts.
 *
 * @example
 * yield* applyContentChunks(builder, [{ type: 'thinking', thinking: [{ type: 'text', text: 'Hmm.' }] },
 *   { type: 'text', text: 'Paris.' }]);
 */
export function* applyContentChunks(
  builder: ResponseBuilder,
  chunks: readonly ChatContentChunk[],
): Generator<ModelResponseStreamEvent> {
  for (const chunk of chunks) {
    const type = typeof chunk.type === 'string' ? chunk.type : undefined;
    if (type === 'text' || (type === undefined && typeof chunk.text === 'string')) {
      if (typeof chunk.text === 'string') yield* textDelta(builder, chunk.text);
      else warnSkipped(builder, 'text (without a text string)');
    } else if (type === 'thinking') {
      yield* thinkingChunk(builder, chunk.thinking);
    } else if (type === 'refusal' && typeof chunk.refusal === 'string') {
      // A refusal is what the model said instead of an answer: text, as the message-level `refusal` is.
      yield* textDelta(builder, chunk.refusal);
    } else {
      warnSkipped(builder, type ?? '(no type)');
    }
  }
}

/**
 * Mistral nests the thinking as an array of text chunks; Cohere's native shape has a plain string. Both
 * are read; any other inner chunk (Mistral documents `reference`) is skipped with a warning.
 */
function* thinkingChunk(builder: ResponseBuilder, thinking: unknown): Generator<ModelResponseStreamEvent> {
  if (typeof thinking === 'string') {
    if (thinking) yield* builder.thinkingDelta('thinking', { content: thinking });
    return;
  }
  if (!Array.isArray(thinking)) {
    warnSkipped(builder, 'thinking (without a thinking array)');
    return;
  }
  for (const inner of thinking as unknown[]) {
    const fields = typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : {};
    const innerType = fields.type ?? 'text';
    if (innerType === 'text' && typeof fields.text === 'string') {
      if (fields.text) yield* builder.thinkingDelta('thinking', { content: fields.text });
    } else {
      warnSkipped(builder, `thinking.${typeof innerType === 'string' ? innerType : '(no type)'}`);
    }
  }
}

function* textDelta(builder: ResponseBuilder, text: string): Generator<ModelResponseStreamEvent> {
  if (text) yield* builder.textDelta('text', text);
}

// Once per provider and chunk type for the process: a stream would otherwise warn on every frame, and a
// gateway on every request, about the same gap.
const warned = new Set<string>();

function warnSkipped(builder: ResponseBuilder, chunkType: string): void {
  const key = `${builder.providerName}\u0000${chunkType}`;
  if (warned.has(key)) return;
  warned.add(key);
  warn(
    `Skipped a content chunk of type '${chunkType}' in an answer from ${builder.providerName} (${builder.modelName}): ` +
      `Understudy reads ${READABLE} chunks, and kept the rest of the answer. Shown once per provider and chunk type.`,
    { type: 'UnderstudyWarning', code: 'UNDERSTUDY_SKIPPED_CONTENT_CHUNK' },
  );
}
