/**
 * Reads GenerateContentResponse objects — the one body of `generateContent`, or each chunk of
 * `streamGenerateContent` — into a ResponseBuilder. Both paths go through here, so a response parsed
 * whole and the same response streamed come out identical.
 *
 * Parts map as: `thought: true` → ThinkingPart (with its signature, if any); text → TextPart;
 * `functionCall` → ToolCallPart. A `thoughtSignature` on a text or function-call part becomes an empty
 * ThinkingPart placed just before that part (see convert-messages.ts for the way back).
 */

import type { ModelResponseStreamEvent } from '../../core/messages.ts';
import { randomHex } from '../../core/portable.ts';
import type { ResponseBuilder } from '../../core/response-builder.ts';
import { emptyUsage, type RequestUsage } from '../../core/usage.ts';
import {
  type GeminiUsageMetadata,
  type GenerateContentResponse,
  generateContentResponseSchema,
} from './api.ts';
import { inBandError } from './errors.ts';
import { isFilteredReason, mapFinishReason } from './map-finish-reason.ts';

/**
 * Feeds Gemini responses into a ResponseBuilder and says when the response is complete or withheld.
 *
 * @example
 * const reader = new GoogleResponseReader(new ResponseBuilder('gemini-2.5-flash', 'google-gla'));
 * for (const event of reader.consume(chunk)) emit(event);
 * if (reader.finished) yield* reader.builder.endAll();
 */
export class GoogleResponseReader {
  readonly builder: ResponseBuilder;
  /** True once a chunk carried a finish reason (or the prompt was blocked): the response is complete. */
  finished = false;
  private blocked: { reason: string; message: string | null | undefined } | undefined;
  private finishMessage: string | null | undefined;
  // Text and thoughts share one vendor id, so a change of kind closes the previous part (the builder does
  // that); the generation moves on after a signature or a call so later text opens a new part.
  private generation = 0;
  private extraParts = 0;
  private hasToolCalls = false;

  constructor(builder: ResponseBuilder) {
    this.builder = builder;
  }

  /** Applies one response or chunk, yielding the stream events it produces. */
  *consume(chunk: GenerateContentResponse): Generator<ModelResponseStreamEvent> {
    const builder = this.builder;
    if (chunk.modelVersion) builder.modelName = chunk.modelVersion.replace(/^models\//, '');
    if (chunk.responseId) builder.providerResponseId = chunk.responseId;
    // Every chunk carries the usage so far, not an increment.
    if (chunk.usageMetadata) builder.usage = mapUsage(chunk.usageMetadata);
    const blockReason = chunk.promptFeedback?.blockReason;
    if (blockReason) {
      this.blocked = { reason: blockReason, message: chunk.promptFeedback?.blockReasonMessage };
      builder.finishReason = 'content_filter';
      builder.rawFinishReason = blockReason;
      this.finished = true;
    }

    const candidate = chunk.candidates?.[0];
    if (!candidate) return;
    for (const part of candidate.content?.parts ?? []) {
      const content = `content-${this.generation}`;
      if (part.functionCall) {
        yield* builder.end(content);
        this.generation++;
        if (part.thoughtSignature) yield* this.signaturePart(part.thoughtSignature);
        const vendorId = `call-${this.extraParts++}`;
        yield* builder.toolCallDelta(vendorId, {
          toolName: part.functionCall.name,
          toolCallId: part.functionCall.id || newToolCallId(),
          argsDelta: part.functionCall.args ?? {},
        });
        yield* builder.end(vendorId);
        this.hasToolCalls = true;
      } else if (typeof part.text === 'string') {
        if (part.thought) {
          if (part.text !== '' || part.thoughtSignature) {
            const delta: { content: string; signature?: string } = { content: part.text };
            if (part.thoughtSignature) delta.signature = part.thoughtSignature;
            yield* builder.thinkingDelta(content, delta);
          }
        } else if (part.thoughtSignature) {
          yield* builder.end(content);
          this.generation++;
          yield* this.signaturePart(part.thoughtSignature);
          yield* builder.textDelta(`content-${this.generation}`, part.text);
        } else yield* builder.textDelta(content, part.text);
      }
      // Other parts (inline images, executable code, server tool results) are not in our data model.
    }

    if (candidate.finishReason) {
      builder.rawFinishReason = candidate.finishReason;
      builder.finishReason = mapFinishReason(candidate.finishReason, this.hasToolCalls);
      this.finishMessage = candidate.finishMessage;
      this.finished = true;
    }
  }

  /** Takes the usage from a frame that came after the finish reason; a frame that does not parse is ignored. */
  consumeTrailer(data: string): void {
    try {
      const parsed = generateContentResponseSchema.safeParse(JSON.parse(data));
      if (parsed.success && parsed.data.usageMetadata)
        this.builder.usage = mapUsage(parsed.data.usageMetadata);
    } catch {}
  }

  /**
   * The error to raise instead of a response: the prompt was blocked, or a policy stopped the answer
   * before any of it was produced. An answer cut short after some content is returned as it is, with
   * finish reason `content_filter`.
   */
  withheldError(): Error | undefined {
    const builder = this.builder;
    if (this.blocked) {
      return inBandError(
        { kind: 'withheld', reason: this.blocked.reason, message: this.blocked.message, prompt: true },
        builder.modelName,
      );
    }
    const raw = builder.rawFinishReason;
    if (raw !== undefined && isFilteredReason(raw) && !builder.hasContent) {
      return inBandError(
        { kind: 'withheld', reason: raw, message: this.finishMessage, prompt: false },
        builder.modelName,
      );
    }
    return undefined;
  }

  private *signaturePart(signature: string): Generator<ModelResponseStreamEvent> {
    const vendorId = `signature-${this.extraParts++}`;
    yield* this.builder.thinkingDelta(vendorId, { content: '', signature });
    yield* this.builder.end(vendorId);
  }
}

/** Gemini gives function calls no id (Vertex sometimes does); ours must be unique within a conversation. */
function newToolCallId(): string {
  return `gemini_call_${randomHex(12)}`;
}

/**
 * Gemini's usage, normalized: thoughts are billed as output, so they count in `outputTokens` (and are
 * also reported alone in `details.thoughtsTokenCount`); tokens of tool-use prompts count as input.
 *
 * @example
 * mapUsage({ promptTokenCount: 9, candidatesTokenCount: 9, thoughtsTokenCount: 34 });
 * // { inputTokens: 9, outputTokens: 43, cacheReadTokens: 0, cacheWriteTokens: 0, details: { thoughtsTokenCount: 34, ... } }
 */
export function mapUsage(metadata: GeminiUsageMetadata): RequestUsage {
  const usage = emptyUsage();
  const thoughts = metadata.thoughtsTokenCount ?? 0;
  const toolUse = metadata.toolUsePromptTokenCount ?? 0;
  usage.inputTokens = (metadata.promptTokenCount ?? 0) + toolUse;
  usage.outputTokens = (metadata.candidatesTokenCount ?? 0) + thoughts;
  usage.cacheReadTokens = metadata.cachedContentTokenCount ?? 0;
  if (thoughts) usage.details.thoughtsTokenCount = thoughts;
  if (toolUse) usage.details.toolUsePromptTokenCount = toolUse;
  for (const key of ['promptTokensDetails', 'candidatesTokensDetails', 'cacheTokensDetails'] as const) {
    for (const entry of metadata[key] ?? []) {
      if (entry.modality && typeof entry.tokenCount === 'number') {
        usage.details[`${key}.${entry.modality}`] = entry.tokenCount;
      }
    }
  }
  return usage;
}
