/**
 * Assembles a ModelResponse from a provider's stream of deltas and turns each delta into the matching
 * stream event. Providers identify parts their own way (an index, a tool call id, a block number); the
 * builder maps that `vendorId` to our part index, opening a new part when a new id appears.
 *
 * @example
 * const builder = new ResponseBuilder('gpt-4o', 'openai');
 * yield* builder.textDelta('text', 'Hel');   // part-start
 * yield* builder.textDelta('text', 'lo');    // part-delta
 * yield* builder.endAll();                   // part-end
 */
import type {
  FinishReason,
  ModelResponse,
  ModelResponsePart,
  ModelResponseStreamEvent,
  ThinkingPart,
  ToolCallPart,
} from './messages.ts';
import { emptyUsage, type RequestUsage } from './usage.ts';

type VendorId = string | number;

export class ResponseBuilder {
  readonly parts: ModelResponsePart[] = [];
  usage: RequestUsage = emptyUsage();
  modelName: string;
  readonly providerName: string;
  finishReason: FinishReason | undefined;
  rawFinishReason: string | undefined;
  providerResponseId: string | undefined;
  /** On a pass-through stream, the frames after the last event (see `ModelResponse.raw`). */
  raw: string | undefined;
  readonly timestamp = new Date();
  private readonly indexByVendorId = new Map<VendorId, number>();
  private readonly open = new Set<number>();

  constructor(modelName: string, providerName: string) {
    this.modelName = modelName;
    this.providerName = providerName;
  }

  /** True once any part has started: the stream has produced content. */
  get hasContent(): boolean {
    return this.parts.length > 0;
  }

  *textDelta(vendorId: VendorId, content: string): Generator<ModelResponseStreamEvent> {
    if (content === '') return;
    const appended = this.appendText(vendorId, content);
    if (appended) {
      yield appended;
      return;
    }
    yield* this.start(vendorId, { partKind: 'text', content });
  }

  /**
   * `textDelta` without a generator for its usual case, a token of a text part already open: appends
   * `content` and returns the part-delta event; undefined (nothing changed) when no text part of that id
   * is open, and then `textDelta` must start one. A stream reader calls it once per token.
   */
  appendText(vendorId: VendorId, content: string): ModelResponseStreamEvent | undefined {
    const index = this.indexByVendorId.get(vendorId);
    if (index === undefined) return undefined;
    const existing = this.parts[index];
    if (existing?.partKind !== 'text' || !this.open.has(index)) return undefined;
    existing.content += content;
    return { kind: 'part-delta', index, delta: { partKind: 'text', contentDelta: content } };
  }

  *thinkingDelta(
    vendorId: VendorId,
    delta: { content?: string; signature?: string },
  ): Generator<ModelResponseStreamEvent> {
    const index = this.indexByVendorId.get(vendorId);
    const existing = index === undefined ? undefined : this.parts[index];
    if (index !== undefined && existing?.partKind === 'thinking' && this.open.has(index)) {
      if (delta.content) existing.content += delta.content;
      if (delta.signature) existing.signature = (existing.signature ?? '') + delta.signature;
      if (!delta.content && !delta.signature) return;
      yield {
        kind: 'part-delta',
        index,
        delta: { partKind: 'thinking', contentDelta: delta.content, signatureDelta: delta.signature },
      };
      return;
    }
    const part: ThinkingPart = {
      partKind: 'thinking',
      content: delta.content ?? '',
      providerName: this.providerName,
    };
    if (delta.signature) part.signature = delta.signature;
    yield* this.start(vendorId, part);
  }

  /**
   * A tool call's name and id arrive with its first delta; its arguments arrive as JSON text in pieces.
   * A complete call given at once (Gemini) is one delta with all arguments.
   */
  *toolCallDelta(
    vendorId: VendorId,
    delta: { toolName?: string; toolCallId?: string; argsDelta?: string | Record<string, unknown> },
  ): Generator<ModelResponseStreamEvent> {
    const index = this.indexByVendorId.get(vendorId);
    const existing = index === undefined ? undefined : this.parts[index];
    if (index !== undefined && existing?.partKind === 'tool-call' && this.open.has(index)) {
      if (delta.toolName) existing.toolName += delta.toolName;
      if (delta.toolCallId) existing.toolCallId = delta.toolCallId;
      const argsDelta =
        typeof delta.argsDelta === 'string' ? delta.argsDelta : JSON.stringify(delta.argsDelta ?? '');
      if (!delta.argsDelta) return;
      existing.args =
        (typeof existing.args === 'string' ? existing.args : JSON.stringify(existing.args)) + argsDelta;
      yield { kind: 'part-delta', index, delta: { partKind: 'tool-call', argsDelta } };
      return;
    }
    const part: ToolCallPart = {
      partKind: 'tool-call',
      toolName: delta.toolName ?? '',
      args: delta.argsDelta ?? '',
      toolCallId: delta.toolCallId ?? `call_${this.parts.length}`,
    };
    yield* this.start(vendorId, part);
  }

  /** Closes one part (Anthropic's `content_block_stop`). */
  *end(vendorId: VendorId): Generator<ModelResponseStreamEvent> {
    const index = this.indexByVendorId.get(vendorId);
    if (index === undefined || !this.open.delete(index)) return;
    yield { kind: 'part-end', index, part: this.parts[index]! };
  }

  /** Closes every part still open, in order; call once the provider says the response is done. */
  *endAll(): Generator<ModelResponseStreamEvent> {
    for (const index of [...this.open].sort((a, b) => a - b)) {
      this.open.delete(index);
      yield { kind: 'part-end', index, part: this.parts[index]! };
    }
  }

  /** The response as assembled so far; a copy, so later deltas do not change it. */
  snapshot(): ModelResponse {
    const response: ModelResponse = {
      kind: 'response',
      parts: this.parts.map((part) => ({ ...part })),
      usage: { ...this.usage, details: { ...this.usage.details } },
      modelName: this.modelName,
      providerName: this.providerName,
      timestamp: this.timestamp,
    };
    if (this.finishReason !== undefined) response.finishReason = this.finishReason;
    if (this.rawFinishReason !== undefined) response.rawFinishReason = this.rawFinishReason;
    if (this.providerResponseId !== undefined) response.providerResponseId = this.providerResponseId;
    if (this.raw !== undefined) response.raw = this.raw;
    return response;
  }

  private *start(vendorId: VendorId, part: ModelResponsePart): Generator<ModelResponseStreamEvent> {
    // A part of another kind under the same vendor id (text after thinking in one Gemini candidate)
    // closes the previous part.
    const previous = this.indexByVendorId.get(vendorId);
    if (previous !== undefined && this.open.delete(previous)) {
      yield { kind: 'part-end', index: previous, part: this.parts[previous]! };
    }
    const index = this.parts.length;
    this.parts.push(part);
    this.indexByVendorId.set(vendorId, index);
    this.open.add(index);
    yield { kind: 'part-start', index, part: { ...part } };
  }
}
