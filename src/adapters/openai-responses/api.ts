/**
 * The OpenAI Responses wire format: plain types for what we send (we build it), loose zod schemas for
 * what comes back (untrusted; unknown fields and unknown item types pass through and are ignored).
 */
import { z } from 'zod';
import { errorObjectSchema } from '../in-band-errors.ts';

// ---------------------------------------------------------------- request (what we send)

export type ResponsesInputContent =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; image_url: string; detail: 'auto' }
  | { type: 'input_file'; file_url: string }
  | { type: 'input_file'; filename: string; file_data: string };

export type ResponsesInputItem =
  /** The "easy" message form: any role, text or content list. */
  | { role: 'user' | 'system' | 'developer'; content: string | ResponsesInputContent[] }
  | { role: 'assistant'; content: string }
  /** An assistant message of this provider's own, sent back with its `msg_` id. */
  | {
      type: 'message';
      role: 'assistant';
      id: string;
      status: 'completed';
      content: Array<{ type: 'output_text'; text: string; annotations: [] }>;
    }
  | { type: 'function_call'; call_id: string; name: string; arguments: string; id?: string }
  | { type: 'function_call_output'; call_id: string; output: string }
  | {
      type: 'reasoning';
      id: string;
      summary: Array<{ type: 'summary_text'; text: string }>;
      encrypted_content?: string;
    };

export interface ResponsesTool {
  type: 'function';
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  /** The Responses API defaults `strict` to true; we send it always so a plain schema is not rejected. */
  strict: boolean;
}

/** The request body; `extraBody` fields are merged in on top, so this is open-ended. */
export interface ResponsesRequestBody {
  model: string;
  input: ResponsesInputItem[];
  instructions?: string;
  stream: boolean;
  tools?: ResponsesTool[];
  tool_choice?: 'auto' | 'required';
  include?: string[];
  [field: string]: unknown;
}

// ---------------------------------------------------------------- response (what comes back)

const outputContentSchema = z.looseObject({
  type: z.string(),
  text: z.string().nullish(),
  refusal: z.string().nullish(),
});

/** One output item. Only the types we turn into parts are read; others (web search calls, ...) are skipped. */
export const outputItemSchema = z.looseObject({
  type: z.string(),
  id: z.string().nullish(),
  status: z.string().nullish(),
  // message
  content: z.array(outputContentSchema).nullish(),
  // function_call
  call_id: z.string().nullish(),
  name: z.string().nullish(),
  arguments: z.string().nullish(),
  // reasoning
  summary: z.array(z.looseObject({ text: z.string().nullish() })).nullish(),
  encrypted_content: z.string().nullish(),
});

const usageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
  input_tokens_details: z.record(z.string(), z.unknown()).nullish(),
  output_tokens_details: z.record(z.string(), z.unknown()).nullish(),
});

export const responseSchema = z.looseObject({
  id: z.string().nullish(),
  model: z.string().nullish(),
  status: z.string().nullish(),
  incomplete_details: z.looseObject({ reason: z.string().nullish() }).nullish(),
  error: errorObjectSchema.nullish(),
  output: z.array(outputItemSchema).nullish(),
  usage: usageSchema.nullish(),
});

/** A stream event: `type` says which; the fields below are those the events we read carry. */
export const streamEventSchema = z.looseObject({
  type: z.string(),
  response: responseSchema.nullish(),
  item: outputItemSchema.nullish(),
  output_index: z.number().int().nullish(),
  summary_index: z.number().int().nullish(),
  delta: z.string().nullish(),
  // `error` events carry these at the top level.
  code: z.string().nullish(),
  message: z.string().nullish(),
});

export type ResponsesResponse = z.infer<typeof responseSchema>;
export type ResponsesOutputItem = z.infer<typeof outputItemSchema>;
export type ResponsesUsage = z.infer<typeof usageSchema>;
export type ResponsesStreamEvent = z.infer<typeof streamEventSchema>;
