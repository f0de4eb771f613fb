/**
 * The one place a Chat Completions answer becomes parts, usage and a finish reason. A whole response is
 * fed through it as a single delta, so `request()` and `requestStream()` cannot drift apart.
 */

import type { ModelResponseStreamEvent } from '../../core/messages.ts';
import { randomId } from '../../core/portable.ts';
import type { ResponseBuilder } from '../../core/response-builder.ts';
import type { RequestUsage } from '../../core/usage.ts';
import type { ChatMessageOrDelta, ChatUsage } from './api.ts';
import { applyContentChunks } from './content-chunks.ts';
import { mapFinishReason } from './map-finish-reason.ts';

/** What must persist between the deltas of one response. */
export interface DeltaState {
  /** Tool call slots (the wire `index`) already opened: later fragments only carry arguments. */
  readonly openedToolCalls: Set<number>;
}

/** Fresh state for one response. @example const state = newDeltaState(); */
export function newDeltaState(): DeltaState {
  return { openedToolCalls: new Set() };
}

/**
 * Records the response-level fields every chunk (or the whole body) may carry: the first id is the
 * response id, and the served model name replaces the asked one.
 *
 * @example
 * applyEnvelope(builder, { id: 'chatcmpl-1', model: 'gpt-4o-2024-08-06' });
 */
export function applyEnvelope(
  builder: ResponseBuilder,
  envelope: { id?: string | null | undefined; model?: string | null | undefined },
): void {
  if (envelope.id && builder.providerResponseId === undefined) builder.providerResponseId = envelope.id;
  if (envelope.model) builder.modelName = envelope.model;
}

/**
 * Records a finish reason, normalized and raw; null (not finished yet) changes nothing.
 *
 * @example
 * applyFinishReason(builder, 'tool_calls'); // builder.finishReason === 'tool_call'
 */
export function applyFinishReason(builder: ResponseBuilder, raw: string | null | undefined): void {
  if (!raw) return;
  builder.rawFinishReason = raw;
  builder.finishReason = mapFinishReason(raw);
}

/**
 * Feeds one message or delta to the builder: reasoning, then text (a string, or typed chunks that may
 * hold thinking too), then tool call fragments, which is the order the providers produce them in.
 *
 * @example
 * yield* applyDelta(builder, chunk.choices[0].delta, state);
 */
export function* applyDelta(
  builder: ResponseBuilder,
  delta: ChatMessageOrDelta,
  state: DeltaState,
): Generator<ModelResponseStreamEvent> {
  const reasoning = delta.reasoning_content || delta.reasoning;
  if (reasoning) yield* builder.thinkingDelta('thinking', { content: reasoning });
  const content = delta.content;
  if (typeof content === 'string') {
    if (content) yield* builder.textDelta('text', content);
  } else if (content) {
    // for…of and yield, as in stream.ts: this runs on every token of a Mistral reasoning stream.
    for (const event of applyContentChunks(builder, content)) yield event;
  }
  if (delta.refusal) yield* builder.textDelta('text', delta.refusal);
  const toolCalls = delta.tool_calls ?? [];
  for (const [position, call] of toolCalls.entries()) {
    const slot = call.index ?? position;
    const args = call.function?.arguments ?? '';
    if (!state.openedToolCalls.has(slot)) {
      state.openedToolCalls.add(slot);
      yield* builder.toolCallDelta(`tool:${slot}`, {
        toolName: call.function?.name ?? '',
        // Some hosts (Gemini's OpenAI endpoint) send an empty id; the call still needs one its result can name.
        toolCallId: call.id || `call_${randomId().replaceAll('-', '').slice(0, 24)}`,
        argsDelta: args,
      });
    } else if (args) {
      yield* builder.toolCallDelta(`tool:${slot}`, { argsDelta: args });
    }
  }
}

const COUNTED_ELSEWHERE = new Set(['prompt_tokens', 'completion_tokens', 'total_tokens']);

/**
 * Normalizes Chat Completions usage. Cache reads come from `prompt_tokens_details.cached_tokens`
 * (OpenAI) or `prompt_cache_hit_tokens` (DeepSeek); cache writes from `cache_write_tokens` (OpenRouter).
 * Other non-zero integer counters are kept in `details`: completion details by their own names
 * (`reasoning_tokens`), prompt details prefixed `input_` (`input_audio_tokens`), top-level extras as is.
 *
 * @example
 * mapUsage({ prompt_tokens: 14, completion_tokens: 7, completion_tokens_details: { reasoning_tokens: 4 } });
 * // { inputTokens: 14, outputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 0, details: { reasoning_tokens: 4 } }
 */
export function mapUsage(usage: ChatUsage): RequestUsage {
  const prompt = usage.prompt_tokens_details ?? {};
  const completion = usage.completion_tokens_details ?? {};
  const details: Record<string, number> = {};
  const keep = (name: string, value: unknown) => {
    if (typeof value === 'number' && Number.isInteger(value) && value !== 0) details[name] = value;
  };
  // for…in rather than Object.entries: no array of pairs per object on every answer (the gateway's hot path).
  const extras = usage as Record<string, unknown>;
  for (const name in extras) if (!COUNTED_ELSEWHERE.has(name)) keep(name, extras[name]);
  const promptDetails = prompt as Record<string, unknown>;
  for (const name in promptDetails) {
    if (name !== 'cached_tokens' && name !== 'cache_write_tokens') keep(`input_${name}`, promptDetails[name]);
  }
  const completionDetails = completion as Record<string, unknown>;
  for (const name in completionDetails) keep(name, completionDetails[name]);
  return {
    inputTokens: count(usage.prompt_tokens),
    outputTokens: count(usage.completion_tokens),
    cacheReadTokens: count(
      prompt.cached_tokens ?? (usage as Record<string, unknown>).prompt_cache_hit_tokens,
    ),
    cacheWriteTokens: count(prompt.cache_write_tokens),
    details,
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
