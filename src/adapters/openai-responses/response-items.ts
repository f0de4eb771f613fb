/**
 * The one place Responses output items become parts, usage and a finish reason. A stream opens an item
 * (`output_item.added`), feeds it deltas and closes it (`output_item.done`); a whole response is each of
 * its items closed at once. Closing fills in whatever the deltas did not deliver, so `request()` and
 * `requestStream()` produce the same parts.
 */
import type { FinishReason, ModelResponsePart, ModelResponseStreamEvent } from '../../core/messages.ts';
import type { ResponseBuilder } from '../../core/response-builder.ts';
import type { RequestUsage } from '../../core/usage.ts';
import type { ResponsesOutputItem, ResponsesResponse, ResponsesUsage } from './api.ts';

/** What persists between the events of one response: which of our parts each output item became. */
export interface ItemState {
  readonly partByItem: Map<number, number>;
  /** The summary a reasoning item's deltas last belonged to, to separate summaries by a blank line. */
  readonly summaryByItem: Map<number, number>;
}

/** Fresh state for one response. @example const state = newItemState(); */
export function newItemState(): ItemState {
  return { partByItem: new Map(), summaryByItem: new Map() };
}

const vendorId = (outputIndex: number) => `item:${outputIndex}`;

/** Passes the builder's events through, remembering which part an output item opened. */
function* tracked(
  state: ItemState,
  outputIndex: number,
  events: Generator<ModelResponseStreamEvent>,
): Generator<ModelResponseStreamEvent> {
  for (const event of events) {
    if (event.kind === 'part-start') state.partByItem.set(outputIndex, event.index);
    yield event;
  }
}

function partOf(builder: ResponseBuilder, state: ItemState, outputIndex: number) {
  const index = state.partByItem.get(outputIndex);
  return index === undefined ? undefined : builder.parts[index];
}

/**
 * An item begins. Tool calls and reasoning open their part now (a call's name and id come only here);
 * a message waits for its first text, so an empty message makes no part.
 *
 * @example
 * yield* openItem(builder, state, 1, { type: 'function_call', call_id: 'call_1', name: 'get_country', arguments: '' });
 */
export function* openItem(
  builder: ResponseBuilder,
  state: ItemState,
  outputIndex: number,
  item: ResponsesOutputItem,
): Generator<ModelResponseStreamEvent> {
  if (item.type === 'function_call') {
    yield* tracked(
      state,
      outputIndex,
      builder.toolCallDelta(vendorId(outputIndex), {
        toolName: item.name ?? '',
        toolCallId: item.call_id ?? item.id ?? `call_${outputIndex}`,
        argsDelta: item.arguments ?? '',
      }),
    );
  } else if (item.type === 'reasoning') {
    yield* tracked(state, outputIndex, builder.thinkingDelta(vendorId(outputIndex), {}));
  }
}

/** Text of a message item (`output_text.delta`, `refusal.delta`). @example yield* textDelta(builder, state, 0, 'Hel'); */
export function* textDelta(
  builder: ResponseBuilder,
  state: ItemState,
  outputIndex: number,
  delta: string,
): Generator<ModelResponseStreamEvent> {
  yield* tracked(state, outputIndex, builder.textDelta(vendorId(outputIndex), delta));
}

/** More JSON text of a call's arguments. @example yield* argumentsDelta(builder, state, 1, '{"ci'); */
export function* argumentsDelta(
  builder: ResponseBuilder,
  state: ItemState,
  outputIndex: number,
  delta: string,
): Generator<ModelResponseStreamEvent> {
  yield* tracked(state, outputIndex, builder.toolCallDelta(vendorId(outputIndex), { argsDelta: delta }));
}

/**
 * Reasoning summary text. Summaries of one item become one thinking part, separated by a blank line.
 *
 * @example
 * yield* summaryDelta(builder, state, 0, { summary_index: 0, delta: '**Planning**' });
 */
export function* summaryDelta(
  builder: ResponseBuilder,
  state: ItemState,
  outputIndex: number,
  event: { summary_index?: number | null; delta?: string | null },
): Generator<ModelResponseStreamEvent> {
  const summaryIndex = event.summary_index ?? 0;
  const delta = event.delta ?? '';
  const previous = state.summaryByItem.get(outputIndex);
  state.summaryByItem.set(outputIndex, summaryIndex);
  const content = previous !== undefined && previous !== summaryIndex ? `\n\n${delta}` : delta;
  yield* tracked(state, outputIndex, builder.thinkingDelta(vendorId(outputIndex), { content }));
}

/**
 * An item is complete: whatever its deltas did not carry (all of it, for a whole response) is added
 * from the final item, the provider's item id is recorded, and the part is closed.
 *
 * @example
 * yield* closeItem(builder, state, 0, { type: 'message', id: 'msg_1', content: [{ type: 'output_text', text: 'Hi' }] });
 */
export function* closeItem(
  builder: ResponseBuilder,
  state: ItemState,
  outputIndex: number,
  item: ResponsesOutputItem,
): Generator<ModelResponseStreamEvent> {
  if (item.type === 'message') {
    if (partOf(builder, state, outputIndex) === undefined) {
      const text = (item.content ?? []).map((content) => content.text ?? content.refusal ?? '').join('');
      yield* textDelta(builder, state, outputIndex, text);
    }
  } else if (item.type === 'function_call') {
    if (partOf(builder, state, outputIndex) === undefined) yield* openItem(builder, state, outputIndex, item);
    else {
      const part = partOf(builder, state, outputIndex);
      if (part?.partKind === 'tool-call' && part.args === '' && item.arguments) {
        yield* argumentsDelta(builder, state, outputIndex, item.arguments);
      }
    }
  } else if (item.type === 'reasoning') {
    if (partOf(builder, state, outputIndex) === undefined) yield* openItem(builder, state, outputIndex, item);
    const part = partOf(builder, state, outputIndex);
    const summary = (item.summary ?? []).map((entry) => entry.text ?? '').join('\n\n');
    const missing = part?.partKind === 'thinking' && part.content === '' ? summary : '';
    // Only the final item's encrypted content is complete (`output_item.added` may carry a partial one),
    // so the signature is taken here and nowhere else.
    const signature = item.encrypted_content ?? undefined;
    if (missing || signature) {
      yield* builder.thinkingDelta(vendorId(outputIndex), { content: missing, signature });
    }
  } else {
    return; // Built-in tool calls and other item types are not parts of ours.
  }
  const part = partOf(builder, state, outputIndex);
  if (part && item.id) part.id = item.id;
  yield* builder.end(vendorId(outputIndex));
}

/**
 * Records the response-level fields: id, served model, usage, and (once it has ended) the finish reason.
 *
 * @example
 * applyResponse(builder, { id: 'resp_1', model: 'gpt-5-2025-08-07', status: 'completed', usage });
 */
export function applyResponse(builder: ResponseBuilder, response: ResponsesResponse): void {
  if (response.id && builder.providerResponseId === undefined) builder.providerResponseId = response.id;
  if (response.model) builder.modelName = response.model;
  if (response.usage) builder.usage = mapUsage(response.usage);
  const status = response.status;
  if (status && status !== 'in_progress' && status !== 'queued') {
    const raw = response.incomplete_details?.reason ?? status;
    builder.rawFinishReason = raw;
    builder.finishReason = mapFinishReason(raw, builder.parts);
  }
}

/**
 * Normalizes a response's end: `completed` is `stop` (or `tool_call` when it asked for a tool),
 * `incomplete` says why in `incomplete_details.reason`, `failed` and `cancelled` are errors.
 *
 * @example
 * mapFinishReason('max_output_tokens', []); // 'length'
 */
export function mapFinishReason(raw: string, parts: ModelResponsePart[]): FinishReason | undefined {
  switch (raw) {
    case 'completed':
      return parts.some((part) => part.partKind === 'tool-call') ? 'tool_call' : 'stop';
    case 'max_output_tokens':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    case 'failed':
    case 'cancelled':
      return 'error';
    default:
      return undefined;
  }
}

const COUNTED_ELSEWHERE = new Set(['input_tokens', 'output_tokens', 'total_tokens']);

/**
 * Normalizes Responses usage: cache reads from `input_tokens_details.cached_tokens`; other non-zero
 * counters kept in `details` (output details by their own names, e.g. `reasoning_tokens`; input details
 * prefixed `input_`).
 *
 * @example
 * mapUsage({ input_tokens: 13, output_tokens: 1915, output_tokens_details: { reasoning_tokens: 1600 } });
 * // { inputTokens: 13, outputTokens: 1915, cacheReadTokens: 0, cacheWriteTokens: 0, details: { reasoning_tokens: 1600 } }
 */
export function mapUsage(usage: ResponsesUsage): RequestUsage {
  const inputDetails = usage.input_tokens_details ?? {};
  const details: Record<string, number> = {};
  const keep = (name: string, value: unknown) => {
    if (typeof value === 'number' && Number.isInteger(value) && value !== 0) details[name] = value;
  };
  for (const [name, value] of Object.entries(usage)) if (!COUNTED_ELSEWHERE.has(name)) keep(name, value);
  for (const [name, value] of Object.entries(inputDetails)) {
    if (name !== 'cached_tokens') keep(`input_${name}`, value);
  }
  for (const [name, value] of Object.entries(usage.output_tokens_details ?? {})) keep(name, value);
  return {
    inputTokens: count(usage.input_tokens),
    outputTokens: count(usage.output_tokens),
    cacheReadTokens: count(inputDetails.cached_tokens),
    cacheWriteTokens: 0,
    details,
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
