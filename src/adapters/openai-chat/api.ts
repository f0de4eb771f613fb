/**
 * The Chat Completions wire format: plain types for what we send (we build it, so no validation), zod
 * schemas for what comes back (untrusted: any OpenAI-compatible host may answer). The schemas are loose —
 * unknown fields pass through — because every host adds its own (`time_info`, `x_groq`, `moderation`).
 */
import { z } from 'zod';

// ---------------------------------------------------------------- request (what we send)

export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'file'; file: { filename: string; file_data: string } };

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/**
 * Mistral's typed chunks of an assistant message: its reasoning models' thinking goes back in this form
 * (https://docs.mistral.ai/capabilities/reasoning/), no other host takes it.
 */
export type AssistantContentChunk =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: Array<{ type: 'text'; text: string }> };

export interface AssistantChatMessage {
  role: 'assistant';
  content: string | AssistantContentChunk[] | null;
  tool_calls?: ChatToolCall[];
  /** DeepSeek's own reasoning, which its thinking mode requires back on turns that called tools. */
  reasoning_content?: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ChatContentPart[] }
  | AssistantChatMessage
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean };
}

/** The request body; `extraBody` fields are merged in on top, so this is open-ended. */
export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  stream_options?: { include_usage: boolean };
  tools?: ChatTool[];
  tool_choice?: 'auto' | 'required';
  [field: string]: unknown;
}

// ---------------------------------------------------------------- response (what comes back)

const toolCallSchema = z.looseObject({
  // Streams send `index` to say which call a fragment continues; whole responses give an array.
  index: z.number().int().optional(),
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z
    .looseObject({
      name: z.string().nullish(),
      arguments: z.string().nullish(),
    })
    .nullish(),
});

/**
 * One typed chunk of an array `content` (Mistral's reasoning models answer with `thinking` and `text`
 * chunks). Only "an object" is required here: which types we can read, and what we skip, is decided in
 * content-chunks.ts, so a chunk type no host documented yet costs a warning, not the whole answer.
 */
const contentChunkSchema = z.looseObject({});

/** A whole message (`choices[].message`) and a stream fragment (`choices[].delta`) share this shape. */
const messageSchema = z.looseObject({
  role: z.string().nullish(),
  content: z.union([z.string(), z.array(contentChunkSchema)]).nullish(),
  refusal: z.string().nullish(),
  // DeepSeek, Qwen and others name the reasoning `reasoning_content`; OpenRouter, Groq and Cerebras `reasoning`.
  reasoning_content: z.string().nullish(),
  reasoning: z.string().nullish(),
  tool_calls: z.array(toolCallSchema).nullish(),
});

const tokenDetailsSchema = z.record(z.string(), z.unknown()).nullish();

const usageSchema = z.looseObject({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
  prompt_tokens_details: tokenDetailsSchema,
  completion_tokens_details: tokenDetailsSchema,
});

export const chatCompletionSchema = z.looseObject({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z.array(
    z.looseObject({
      index: z.number().nullish(),
      message: messageSchema,
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: usageSchema.nullish(),
});

export const chatCompletionChunkSchema = z.looseObject({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.looseObject({
        index: z.number().nullish(),
        delta: messageSchema.nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: usageSchema.nullish(),
  // Groq reports a stream's usage here instead of in `usage`.
  x_groq: z.looseObject({ usage: usageSchema.nullish() }).nullish(),
  error: z.unknown().optional(),
});

export type ChatCompletion = z.infer<typeof chatCompletionSchema>;
export type ChatCompletionChunk = z.infer<typeof chatCompletionChunkSchema>;
export type ChatMessageOrDelta = z.infer<typeof messageSchema>;
export type ChatUsage = z.infer<typeof usageSchema>;
export type ChatContentChunk = z.infer<typeof contentChunkSchema>;
