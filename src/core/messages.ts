/**
 * The conversation as plain data, independent of any provider. A history written by one provider's
 * adapter converts into any other's request, which is what lets a fallback cross providers.
 *
 * @example
 * const messages: ModelMessage[] = [
 *   { kind: 'request', parts: [systemPrompt('Be brief.'), userPrompt('Hello')] },
 * ];
 */
import { emptyUsage, type RequestUsage } from './usage.ts';

// ---------------------------------------------------------------- user content

export interface TextContent {
  kind: 'text';
  text: string;
}

/** An image given by URL (including `data:` URLs) or by bytes with a media type. */
export type ImageContent =
  | { kind: 'image'; url: string; mediaType?: string }
  | { kind: 'image'; data: Uint8Array; mediaType: string };

/** A document (PDF, plain text, ...) given by URL or by bytes with a media type. */
export type DocumentContent =
  | { kind: 'document'; url: string; mediaType?: string; name?: string }
  | { kind: 'document'; data: Uint8Array; mediaType: string; name?: string };

export type UserContentItem = TextContent | ImageContent | DocumentContent;

// ---------------------------------------------------------------- request parts

export interface SystemPromptPart {
  partKind: 'system-prompt';
  content: string;
}

export interface UserPromptPart {
  partKind: 'user-prompt';
  content: string | UserContentItem[];
}

/** The result of a tool call, sent back to the model. `content` is sent as text, or as JSON if not a string. */
export interface ToolReturnPart {
  partKind: 'tool-return';
  toolName: string;
  toolCallId: string;
  content: unknown;
  /**
   * The tool failed and `content` says how (Anthropic's `is_error`), sent as it is: unlike a retry-prompt,
   * no instruction is added. Protocols without the flag send the content alone.
   */
  isError?: boolean;
}

/**
 * Asks the model to try again: after a tool failed or its arguments were invalid (with `toolName` and
 * `toolCallId`), or after a text answer was rejected (without them).
 */
export interface RetryPromptPart {
  partKind: 'retry-prompt';
  content: string;
  toolName?: string;
  toolCallId?: string;
}

export type ModelRequestPart = SystemPromptPart | UserPromptPart | ToolReturnPart | RetryPromptPart;

export interface ModelRequest {
  kind: 'request';
  parts: ModelRequestPart[];
}

// ---------------------------------------------------------------- response parts

export interface TextPart {
  partKind: 'text';
  content: string;
  /** The provider's own id of the item (OpenAI Responses `msg_...`), sent back to that provider only. */
  id?: string;
}

/** A call the model asks for. `args` is the JSON text the provider sent, or an already-parsed object. */
export interface ToolCallPart {
  partKind: 'tool-call';
  toolName: string;
  args: string | Record<string, unknown>;
  toolCallId: string;
  /** The provider's own id of the item (OpenAI Responses `fc_...`), distinct from `toolCallId`. */
  id?: string;
}

/**
 * The model's reasoning. `signature` (Anthropic, Gemini) must go back unchanged to the provider that made
 * it; `providerName` says which one, so other providers receive the thinking as plain text or not at all.
 */
export interface ThinkingPart {
  partKind: 'thinking';
  content: string;
  signature?: string;
  providerName?: string;
  /**
   * The provider sent its reasoning encrypted (Anthropic's `redacted_thinking`): `content` is empty and
   * `signature` holds the opaque data, which goes back to that provider in the same redacted form.
   */
  redacted?: boolean;
  /**
   * The provider's own id of the item (OpenAI Responses `rs_...`): OpenAI requires it on a reasoning item
   * sent back, next to its encrypted content (kept in `signature`).
   */
  id?: string;
}

export type ModelResponsePart = TextPart | ToolCallPart | ThinkingPart;

/** Normalized reason a response ended; the provider's own value is kept in `ModelResponse.rawFinishReason`. */
export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_call' | 'error';

/** What happened to one attempt of a fallback chain. */
export type AttemptOutcome = 'ok' | 'error' | 'rejected' | 'skipped' | 'cancelled';

/** One attempt of a call, as recorded by the attempt engine on the response it produced. */
export interface Attempt {
  modelName: string;
  providerName: string;
  /**
   * The circuit breaker the attempt answered to (see `breakerKeyOf`): the same upstream whatever name its
   * answer gave, and the `key` that /health, /metrics and the status page report. Absent only on attempts
   * not made by a FallbackModel.
   */
  breakerKey?: string;
  /** The balanced group this attempt's model was chosen from, when it was. */
  group?: string;
  /** The deployment within that group (its configured name, else its `provider:model`). */
  deployment?: string;
  /** Which of the provider's keys the attempt used, as a fingerprint (never the key): pooled keys only. */
  keyFingerprint?: string;
  outcome: AttemptOutcome;
  errorKind?: string;
  statusCode?: number;
  /** Epoch milliseconds. */
  startedAt: number;
  durationMs: number;
  usage?: RequestUsage;
  cost?: number;
}

export interface ModelResponse {
  kind: 'response';
  parts: ModelResponsePart[];
  usage: RequestUsage;
  /** The model that produced this response (as the provider named it, when it says). */
  modelName: string;
  providerName: string;
  finishReason?: FinishReason;
  rawFinishReason?: string;
  providerResponseId?: string;
  timestamp: Date;
  /** Every attempt made to produce this response, in order, when a FallbackModel produced it. */
  attempts?: Attempt[];
  /**
   * The upstream's answer as received, when the call passed a client's request through (see
   * `PassThroughRequest`): a whole answer's body text, or, for a stream, the frames read after its last
   * event (the end of the message), which no event carries.
   */
  raw?: string;
}

export type ModelMessage = ModelRequest | ModelResponse;

// ---------------------------------------------------------------- stream events

export interface TextPartDelta {
  partKind: 'text';
  contentDelta: string;
}

export interface ToolCallPartDelta {
  partKind: 'tool-call';
  argsDelta: string;
}

export interface ThinkingPartDelta {
  partKind: 'thinking';
  contentDelta?: string;
  signatureDelta?: string;
}

export type ModelResponsePartDelta = TextPartDelta | ToolCallPartDelta | ThinkingPartDelta;

/**
 * What every stream event may carry on a pass-through call: the upstream's SSE frames read since the
 * previous event, this event's own included, so a same-protocol gateway forwards them as received.
 */
export interface RawFrames {
  raw?: string;
}

/** A new part begins at `index`; `part` holds what is known of it so far. */
export interface PartStartEvent extends RawFrames {
  kind: 'part-start';
  index: number;
  part: ModelResponsePart;
}

export interface PartDeltaEvent extends RawFrames {
  kind: 'part-delta';
  index: number;
  delta: ModelResponsePartDelta;
}

/** The part at `index` is complete; `part` is its final value. */
export interface PartEndEvent extends RawFrames {
  kind: 'part-end';
  index: number;
  part: ModelResponsePart;
}

export type ModelResponseStreamEvent = PartStartEvent | PartDeltaEvent | PartEndEvent;

// ---------------------------------------------------------------- constructors

export function systemPrompt(content: string): SystemPromptPart {
  return { partKind: 'system-prompt', content };
}

export function userPrompt(content: string | UserContentItem[]): UserPromptPart {
  return { partKind: 'user-prompt', content };
}

/**
 * An earlier answer a caller sends back as history (an assistant turn of a chat request, a replayed AI SDK
 * prompt): its parts only — who produced it, when and at what cost is not known here.
 */
export function replayedResponse(parts: ModelResponsePart[] = []): ModelResponse {
  return {
    kind: 'response',
    parts,
    usage: emptyUsage(),
    modelName: '',
    providerName: '',
    timestamp: new Date(0),
  };
}

/** The text of a response: its text parts joined, thinking and tool calls left out. */
export function responseText(response: ModelResponse): string {
  let text = '';
  for (const part of response.parts) if (part.partKind === 'text') text += part.content;
  return text;
}

/** A tool call's arguments as an object, whichever form the provider gave them in. */
export function toolCallArgs(part: ToolCallPart): Record<string, unknown> {
  if (typeof part.args !== 'string') return part.args;
  if (part.args.trim() === '') return {};
  const parsed: unknown = JSON.parse(part.args);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TypeError(
      `tool call ${part.toolName} arguments are not a JSON object: ${part.args.slice(0, 200)}`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** A tool call's arguments as JSON text, whichever form the provider gave them in. */
export function toolCallArgsJson(part: ToolCallPart): string {
  return typeof part.args === 'string' ? part.args || '{}' : JSON.stringify(part.args);
}
