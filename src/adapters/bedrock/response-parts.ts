/**
 * The one place Converse content blocks become parts, usage and a finish reason. A whole answer's block
 * is fed through the same start/delta steps a stream's events take, so `request()` and `requestStream()`
 * cannot drift apart.
 */
import type { FinishReason, ModelResponseStreamEvent } from '../../core/messages.ts';
import type { ResponseBuilder } from '../../core/response-builder.ts';
import type { RequestUsage } from '../../core/usage.ts';
import type { BedrockContentBlockOut, BedrockUsage } from './api.ts';

const vendorId = (blockIndex: number) => `block:${blockIndex}`;

/**
 * A block begins (`contentBlockStart`): only tool calls announce themselves, with their id and name.
 *
 * @example
 * yield* startBlock(builder, 1, { toolUse: { toolUseId: 'tooluse_1', name: 'get_country' } });
 */
export function* startBlock(
  builder: ResponseBuilder,
  blockIndex: number,
  start: BedrockContentBlockOut,
): Generator<ModelResponseStreamEvent> {
  if (start.toolUse) {
    yield* builder.toolCallDelta(vendorId(blockIndex), {
      toolName: start.toolUse.name ?? '',
      toolCallId: start.toolUse.toolUseId ?? `tooluse_${blockIndex}`,
      argsDelta: '',
    });
  }
}

/**
 * A piece of a block (`contentBlockDelta`): text, a tool call's JSON input, reasoning text, its signature,
 * or redacted (encrypted) reasoning.
 *
 * @example
 * yield* blockDelta(builder, 0, { reasoningContent: { text: 'Let me think' } });
 */
export function* blockDelta(
  builder: ResponseBuilder,
  blockIndex: number,
  delta: BedrockContentBlockOut,
): Generator<ModelResponseStreamEvent> {
  const id = vendorId(blockIndex);
  if (delta.text) yield* builder.textDelta(id, delta.text);
  if (delta.toolUse) {
    const input = delta.toolUse.input;
    const text = typeof input === 'string' ? input : input === undefined ? '' : JSON.stringify(input);
    if (text) yield* builder.toolCallDelta(id, { argsDelta: text });
  }
  const reasoning = delta.reasoningContent;
  if (reasoning) {
    if (reasoning.redactedContent) {
      const events = [...builder.thinkingDelta(id, { signature: reasoning.redactedContent })];
      const start = events.find((event) => event.kind === 'part-start');
      if (start?.kind === 'part-start' && start.part.partKind === 'thinking') {
        start.part.redacted = true;
        const part = builder.parts[start.index];
        if (part?.partKind === 'thinking') part.redacted = true;
      }
      yield* events;
      return;
    }
    const text = reasoning.reasoningText?.text ?? reasoning.text ?? undefined;
    const signature = reasoning.reasoningText?.signature ?? reasoning.signature ?? undefined;
    if (text || signature) {
      yield* builder.thinkingDelta(id, { content: text ?? '', signature: signature ?? undefined });
    }
  }
}

/** A block is complete (`contentBlockStop`). @example yield* stopBlock(builder, 0); */
export function* stopBlock(
  builder: ResponseBuilder,
  blockIndex: number,
): Generator<ModelResponseStreamEvent> {
  yield* builder.end(vendorId(blockIndex));
}

/**
 * A whole answer's block, as one start, one delta and one stop.
 *
 * @example
 * for (const [i, block] of response.output.message.content.entries()) yield* wholeBlock(builder, i, block);
 */
export function* wholeBlock(
  builder: ResponseBuilder,
  blockIndex: number,
  block: BedrockContentBlockOut,
): Generator<ModelResponseStreamEvent> {
  if (block.toolUse) {
    yield* startBlock(builder, blockIndex, block);
    // Converse gives a whole call's input as an object; an empty object is still `{}` in the args.
    yield* builder.toolCallDelta(vendorId(blockIndex), {
      argsDelta: JSON.stringify(block.toolUse.input ?? {}),
    });
  } else {
    yield* blockDelta(builder, blockIndex, block);
  }
  yield* stopBlock(builder, blockIndex);
}

const FINISH_REASONS: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool_call',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

/**
 * Records the stop reason, normalized and raw.
 *
 * @example
 * applyStopReason(builder, 'tool_use'); // builder.finishReason === 'tool_call'
 */
export function applyStopReason(builder: ResponseBuilder, raw: string | null | undefined): void {
  if (!raw) return;
  builder.rawFinishReason = raw;
  builder.finishReason = Object.hasOwn(FINISH_REASONS, raw) ? FINISH_REASONS[raw] : undefined;
}

const COUNTED_ELSEWHERE = new Set([
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'cacheReadInputTokens',
  'cacheWriteInputTokens',
  // Older duplicates of the two cache counters.
  'cacheReadInputTokenCount',
  'cacheWriteInputTokenCount',
]);

/**
 * Normalizes Converse usage. Bedrock's `inputTokens` excludes cached tokens (as Anthropic's does), so the
 * input total is the sum of the three, like every other adapter's.
 *
 * @example
 * mapUsage({ inputTokens: 2, outputTokens: 5, cacheReadInputTokens: 1322, cacheWriteInputTokens: 0 });
 * // { inputTokens: 1324, outputTokens: 5, cacheReadTokens: 1322, cacheWriteTokens: 0, details: {} }
 */
export function mapUsage(usage: BedrockUsage): RequestUsage {
  const details: Record<string, number> = {};
  for (const [name, value] of Object.entries(usage)) {
    if (!COUNTED_ELSEWHERE.has(name) && typeof value === 'number' && Number.isInteger(value) && value !== 0) {
      details[name] = value;
    }
  }
  const cacheRead = count(usage.cacheReadInputTokens);
  const cacheWrite = count(usage.cacheWriteInputTokens);
  return {
    inputTokens: count(usage.inputTokens) + cacheRead + cacheWrite,
    outputTokens: count(usage.outputTokens),
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    details,
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
