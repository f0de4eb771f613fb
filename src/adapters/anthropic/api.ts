/**
 * The Anthropic Messages API on the wire (`POST /v1/messages`). What we send is typed with plain
 * interfaces (we build it, so it needs no checking); what comes back is untrusted and parsed with zod,
 * leniently: unknown block and event types pass through so a new server feature never breaks a call.
 *
 * @example
 * const parsed = anthropicMessageSchema.safeParse(JSON.parse(bodyText));
 * if (parsed.success) console.log(parsed.data.content.length);
 */
import { z } from 'zod';

// ---------------------------------------------------------------- request (what we send)

export type AnthropicSource =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'url'; url: string }
  | { type: 'text'; media_type: 'text/plain'; data: string };

export interface AnthropicTextBlockParam {
  type: 'text';
  text: string;
}

export interface AnthropicImageBlockParam {
  type: 'image';
  source: AnthropicSource;
}

export interface AnthropicDocumentBlockParam {
  type: 'document';
  source: AnthropicSource;
  title?: string;
}

export interface AnthropicToolResultBlockParam {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error: boolean;
}

export interface AnthropicToolUseBlockParam {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface AnthropicThinkingBlockParam {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface AnthropicRedactedThinkingBlockParam {
  type: 'redacted_thinking';
  data: string;
}

export type AnthropicUserBlockParam =
  | AnthropicTextBlockParam
  | AnthropicImageBlockParam
  | AnthropicDocumentBlockParam
  | AnthropicToolResultBlockParam;

export type AnthropicAssistantBlockParam =
  | AnthropicTextBlockParam
  | AnthropicToolUseBlockParam
  | AnthropicThinkingBlockParam
  | AnthropicRedactedThinkingBlockParam;

export type AnthropicMessageParam =
  | { role: 'user'; content: AnthropicUserBlockParam[] }
  | { role: 'assistant'; content: AnthropicAssistantBlockParam[] };

export interface AnthropicToolParam {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
  strict?: boolean;
}

export type AnthropicToolChoice = { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean };

export type AnthropicThinkingParam =
  | { type: 'enabled'; budget_tokens: number }
  | { type: 'adaptive'; display?: 'summarized' | 'omitted' };

/** The body of `POST /messages`; `extraBody` fields are merged on top, so the index signature. */
export interface AnthropicMessagesRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessageParam[];
  stream: boolean;
  system?: string;
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  tools?: AnthropicToolParam[];
  tool_choice?: AnthropicToolChoice;
  thinking?: AnthropicThinkingParam;
  output_config?: { effort?: string };
  [extra: string]: unknown;
}

// ---------------------------------------------------------------- response (what we receive)

/** Usage counters; the nested `cache_creation` / `server_tool_use` objects hold more counters. */
export type AnthropicUsage = Record<string, unknown>;
const usageSchema = z.record(z.string(), z.unknown());

const textBlockSchema = z.object({ type: z.literal('text'), text: z.string() });
const thinkingBlockSchema = z.object({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string().optional(),
});
const redactedThinkingBlockSchema = z.object({ type: z.literal('redacted_thinking'), data: z.string() });
const toolUseBlockSchema = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
});

/**
 * A content block of an answer. Blocks we turn into parts are checked field by field; any other type
 * (server tools such as web search or code execution, future blocks) is `other` and left out of the parts.
 */
export type AnthropicContentBlock =
  | z.infer<typeof textBlockSchema>
  | z.infer<typeof thinkingBlockSchema>
  | z.infer<typeof redactedThinkingBlockSchema>
  | z.infer<typeof toolUseBlockSchema>
  | { type: 'other'; originalType: string };

const KNOWN_BLOCKS = {
  text: textBlockSchema,
  thinking: thinkingBlockSchema,
  redacted_thinking: redactedThinkingBlockSchema,
  tool_use: toolUseBlockSchema,
} as const;

const typedSchema = z.looseObject({ type: z.string() });

/** Parses one content block; returns an error text when a block of a known type is malformed. */
export function parseContentBlock(raw: unknown): AnthropicContentBlock | { error: string } {
  const typed = typedSchema.safeParse(raw);
  if (!typed.success) return { error: `content block without a type: ${describe(raw)}` };
  // hasOwn: a block typed `constructor` must not find Object's own properties.
  const schema = Object.hasOwn(KNOWN_BLOCKS, typed.data.type)
    ? KNOWN_BLOCKS[typed.data.type as keyof typeof KNOWN_BLOCKS]
    : undefined;
  if (!schema) return { type: 'other', originalType: typed.data.type };
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : { error: `malformed ${typed.data.type} block: ${describe(raw)}` };
}

/** The envelope of a non-streamed answer; `content` items are parsed with `parseContentBlock`. */
export const anthropicMessageSchema = z.object({
  type: z.literal('message'),
  id: z.string().optional(),
  model: z.string().optional(),
  content: z.array(z.unknown()),
  stop_reason: z.string().nullish(),
  usage: usageSchema.optional(),
});
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

/** `{type: "error", error: {type, message}}`: an HTTP error body, and the `error` event of a stream. */
export const anthropicErrorBodySchema = z.object({
  type: z.literal('error'),
  error: z.looseObject({ type: z.string(), message: z.string().optional() }),
});
export type AnthropicErrorBody = z.infer<typeof anthropicErrorBodySchema>;

const deltaSchemas = {
  text_delta: z.object({ type: z.literal('text_delta'), text: z.string() }),
  input_json_delta: z.object({ type: z.literal('input_json_delta'), partial_json: z.string() }),
  thinking_delta: z.object({ type: z.literal('thinking_delta'), thinking: z.string() }),
  signature_delta: z.object({ type: z.literal('signature_delta'), signature: z.string() }),
} as const;

export type AnthropicDelta =
  | { [K in keyof typeof deltaSchemas]: z.infer<(typeof deltaSchemas)[K]> }[keyof typeof deltaSchemas]
  | { type: 'other'; originalType: string };

const eventSchemas = {
  message_start: z.object({
    type: z.literal('message_start'),
    message: z.object({
      id: z.string().optional(),
      model: z.string().optional(),
      usage: usageSchema.optional(),
    }),
  }),
  content_block_start: z.object({
    type: z.literal('content_block_start'),
    index: z.number(),
    content_block: z.unknown(),
  }),
  content_block_delta: z.object({
    type: z.literal('content_block_delta'),
    index: z.number(),
    delta: z.unknown(),
  }),
  content_block_stop: z.object({ type: z.literal('content_block_stop'), index: z.number() }),
  message_delta: z.object({
    type: z.literal('message_delta'),
    delta: z.object({ stop_reason: z.string().nullish() }),
    usage: usageSchema.optional(),
  }),
  message_stop: z.object({ type: z.literal('message_stop') }),
  error: anthropicErrorBodySchema,
} as const;

/** One `data:` frame of a stream. `ping` and event types we do not know are `other`. */
export type AnthropicStreamEvent =
  | { [K in keyof typeof eventSchemas]: z.infer<(typeof eventSchemas)[K]> }[keyof typeof eventSchemas]
  | { type: 'other'; originalType: string };

/** Parses one stream frame's JSON value; returns an error text when a known event is malformed. */
export function parseStreamEvent(raw: unknown): AnthropicStreamEvent | { error: string } {
  return parseTyped(raw, eventSchemas, 'event') as AnthropicStreamEvent | { error: string };
}

/** Parses the `delta` of a `content_block_delta` event. */
export function parseDelta(raw: unknown): AnthropicDelta | { error: string } {
  return parseTyped(raw, deltaSchemas, 'delta') as AnthropicDelta | { error: string };
}

function parseTyped(
  raw: unknown,
  schemas: Record<string, z.ZodType>,
  what: string,
): { type: string } | { error: string } {
  const typed = typedSchema.safeParse(raw);
  if (!typed.success) return { error: `${what} without a type: ${describe(raw)}` };
  const schema = Object.hasOwn(schemas, typed.data.type) ? schemas[typed.data.type] : undefined;
  if (!schema) return { type: 'other', originalType: typed.data.type } as { type: string };
  const parsed = schema.safeParse(raw);
  return parsed.success
    ? (parsed.data as { type: string })
    : { error: `malformed ${typed.data.type} ${what}: ${describe(raw)}` };
}

function describe(raw: unknown): string {
  return (JSON.stringify(raw) ?? String(raw)).slice(0, 300);
}
