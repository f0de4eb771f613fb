/**
 * What a FunctionModel's functions hand back, checked and completed where it enters: the answer of a
 * model function becomes a whole `ModelResponse`, each item of a stream function a known delta. Users
 * write these by hand, so anything left out that has an obvious value is filled in (no `parts` is no
 * parts, a missing usage count is 0, a missing finish reason follows from the parts), and anything that
 * cannot be read throws a `UserError` naming the field — never a TypeError from deep inside a consumer.
 *
 * @example
 * normalizeAnswer({ parts: [{ partKind: 'text', content: 'hi' }], usage: { inputTokens: 10 } }, defaults);
 */
import { UserError } from '../core/errors/index.ts';
import type { FinishReason, ModelResponse, ModelResponsePart } from '../core/messages.ts';
import { normalizeUsage, type RequestUsage, type UsageInput } from '../core/usage.ts';
import { describeValue, isRecord, optionalString } from '../core/user-input.ts';

/** A tool call's piece of a stream, keyed by the caller's own index in `DeltaToolCalls.calls`. */
export interface DeltaToolCall {
  /** The tool's name (or the next piece of it). */
  name?: string;
  /** The next piece of the arguments' JSON text (or all of them as an object). */
  argsJson?: string | Record<string, unknown>;
  toolCallId?: string;
}

/** Tool-call deltas a stream function yields, e.g. `{ kind: 'tool-calls', calls: { 0: { name: 'f' } } }`. */
export interface DeltaToolCalls {
  kind: 'tool-calls';
  calls: Record<number, DeltaToolCall>;
}

/** Thinking deltas a stream function yields, e.g. `{ kind: 'thinking', parts: { 0: { content: 'hm' } } }`. */
export interface DeltaThinking {
  kind: 'thinking';
  parts: Record<number, { content?: string; signature?: string }>;
}

/**
 * The usage of the streamed response so far, as providers report it (a running total, usually once at
 * the end): the last one yielded is the response's usage. Without one, usage is estimated from the words.
 */
export interface DeltaUsage {
  kind: 'usage';
  usage: UsageInput;
}

/** One item a stream function yields: a plain string is a text delta. */
export type StreamItem = string | DeltaToolCalls | DeltaThinking | DeltaUsage;

/**
 * What a model function returns: every field may be left out. `parts` defaults to none, `usage` to an
 * estimate from the words (and any count left out of a given usage to 0), `finishReason` to `tool_call`
 * when there is a tool call and `stop` otherwise, names to the model's, `timestamp` to now.
 */
export type FunctionResponse = Partial<Omit<ModelResponse, 'parts' | 'usage'>> & {
  parts?: ModelResponsePart[];
  usage?: UsageInput;
};

/** What the FunctionModel supplies for the fields an answer leaves out. */
export interface AnswerDefaults {
  modelName: string;
  providerName: string;
  /** Usage when the answer gives none, from the parts (the FunctionModel's word-count estimate). */
  estimateUsage: (parts: ModelResponsePart[]) => RequestUsage;
  /** Names the source in error messages, e.g. `FunctionModel function:f:`. */
  where: string;
}

const FINISH_REASONS: readonly FinishReason[] = ['stop', 'length', 'content_filter', 'tool_call', 'error'];

/** A model function's answer as a whole `ModelResponse`; a copy, so the caller's object is never changed. */
export function normalizeAnswer(answer: unknown, defaults: AnswerDefaults): ModelResponse {
  const { where } = defaults;
  if (!isRecord(answer)) {
    throw new UserError(
      `${where}: the function returned ${describeValue(answer)}; return an object such as { parts: [{ partKind: 'text', content: 'hi' }] }.`,
    );
  }
  const parts = normalizeParts(answer.parts, where);
  const response: ModelResponse = {
    ...answer,
    kind: 'response',
    parts,
    usage: answer.usage === undefined ? defaults.estimateUsage(parts) : normalizeUsage(answer.usage, where),
    modelName: optionalString(answer.modelName, 'modelName', where) ?? defaults.modelName,
    providerName: optionalString(answer.providerName, 'providerName', where) ?? defaults.providerName,
    finishReason: finishReasonOf(answer.finishReason, parts, where),
    timestamp: timestampOf(answer.timestamp, where),
  };
  // Optional strings a consumer may read: checked, and dropped when absent (a null from JSON included).
  for (const field of ['rawFinishReason', 'providerResponseId'] as const) {
    if (optionalString(answer[field], field, where) === undefined) delete response[field];
  }
  return response;
}

/** `stop` or `tool_call` from the parts when absent, as the streamed path decides it. */
export function finishReasonOf(value: unknown, parts: ModelResponsePart[], where: string): FinishReason {
  if (value === undefined || value === null) {
    return parts.some((part) => part.partKind === 'tool-call') ? 'tool_call' : 'stop';
  }
  if (FINISH_REASONS.includes(value as FinishReason)) return value as FinishReason;
  throw new UserError(
    `${where}: finishReason must be one of ${FINISH_REASONS.map((reason) => `'${reason}'`).join(', ')}; got ${describeValue(value)}.`,
  );
}

function timestampOf(value: unknown, where: string): Date {
  if (value === undefined || value === null) return new Date();
  // A string or epoch number is what a Date becomes after a JSON round trip.
  const date =
    value instanceof Date
      ? value
      : typeof value === 'string' || typeof value === 'number'
        ? new Date(value)
        : undefined;
  if (date !== undefined && !Number.isNaN(date.getTime())) return date;
  throw new UserError(
    `${where}: timestamp must be a Date (or an ISO date string); got ${describeValue(value)}.`,
  );
}

/** Response parts checked one by one; absent parts are none. */
export function normalizeParts(value: unknown, where: string): ModelResponsePart[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new UserError(`${where}: parts must be an array of response parts; got ${describeValue(value)}.`);
  }
  return value.map((part: unknown, index) => normalizePart(part, index, `${where} parts[${index}]`));
}

function normalizePart(part: unknown, index: number, where: string): ModelResponsePart {
  if (!isRecord(part)) {
    throw new UserError(
      `${where} must be a part such as { partKind: 'text', content: 'hi' }; got ${describeValue(part)}.`,
    );
  }
  switch (part.partKind) {
    case 'text':
      return { ...part, partKind: 'text', content: optionalString(part.content, 'content', where) ?? '' };
    case 'thinking':
      return { ...part, partKind: 'thinking', content: optionalString(part.content, 'content', where) ?? '' };
    case 'tool-call': {
      const toolName = optionalString(part.toolName, 'toolName', where);
      if (toolName === undefined || toolName === '') {
        throw new UserError(`${where}: a tool-call part needs a toolName, the name of the tool to call.`);
      }
      return {
        ...part,
        partKind: 'tool-call',
        toolName,
        args: toolArgsOf(part.args, where),
        // The id the ResponseBuilder gives a streamed call without one, so both paths agree.
        toolCallId: optionalString(part.toolCallId, 'toolCallId', where) ?? `call_${index}`,
      };
    }
    default:
      throw new UserError(
        `${where}: partKind must be 'text', 'tool-call' or 'thinking'; got ${describeValue(part.partKind)}.`,
      );
  }
}

function toolArgsOf(value: unknown, where: string): string | Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'string' || isRecord(value)) return value;
  throw new UserError(
    `${where}: args must be a JSON object or its JSON text, e.g. { city: 'Paris' }; got ${describeValue(value)}.`,
  );
}

/** A stream item once checked: its usage, if any, normalized. */
export type CheckedStreamItem = Exclude<StreamItem, DeltaUsage> | { kind: 'usage'; usage: RequestUsage };

/**
 * One stream item checked: a string, or one of the delta objects with its fields of the right types.
 * Returns it typed, so the stream loop can switch on it without guessing.
 */
export function normalizeStreamItem(item: unknown, where: string): CheckedStreamItem {
  if (typeof item === 'string') return item;
  const context = `${where}: the stream function yielded ${describeValue(item)}`;
  if (isRecord(item)) {
    switch (item.kind) {
      case 'tool-calls':
        return { kind: 'tool-calls', calls: deltaRecord(item.calls, 'calls', context, toolCallDelta) };
      case 'thinking':
        return { kind: 'thinking', parts: deltaRecord(item.parts, 'parts', context, thinkingDelta) };
      case 'usage':
        return { kind: 'usage', usage: normalizeUsage(item.usage, where) };
    }
  }
  throw new UserError(
    `${context}; yield a string (text), { kind: 'tool-calls', calls }, { kind: 'thinking', parts } or { kind: 'usage', usage }.`,
  );
}

function deltaRecord<T>(
  value: unknown,
  field: string,
  context: string,
  check: (delta: unknown, where: string) => T,
): Record<number, T> {
  if (!isRecord(value)) {
    throw new UserError(`${context}; its ${field} must be an object keyed by index, e.g. { 0: {...} }.`);
  }
  const deltas: Record<number, T> = {};
  for (const [key, delta] of Object.entries(value)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0) {
      throw new UserError(`${context}; its ${field} keys must be indexes 0, 1, ...; got '${key}'.`);
    }
    deltas[index] = check(delta, `${context}; ${field}[${key}]`);
  }
  return deltas;
}

function toolCallDelta(delta: unknown, where: string): DeltaToolCall {
  if (!isRecord(delta))
    throw new UserError(`${where} must be an object like { name, argsJson, toolCallId }.`);
  const checked: DeltaToolCall = {};
  const name = optionalString(delta.name, 'name', where);
  if (name !== undefined) checked.name = name;
  if (delta.argsJson !== undefined && delta.argsJson !== null)
    checked.argsJson = toolArgsOf(delta.argsJson, where);
  const toolCallId = optionalString(delta.toolCallId, 'toolCallId', where);
  if (toolCallId !== undefined) checked.toolCallId = toolCallId;
  return checked;
}

function thinkingDelta(delta: unknown, where: string): { content?: string; signature?: string } {
  if (!isRecord(delta)) throw new UserError(`${where} must be an object like { content, signature }.`);
  const checked: { content?: string; signature?: string } = {};
  const content = optionalString(delta.content, 'content', where);
  if (content !== undefined) checked.content = content;
  const signature = optionalString(delta.signature, 'signature', where);
  if (signature !== undefined) checked.signature = signature;
  return checked;
}
