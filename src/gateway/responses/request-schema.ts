/**
 * The zod schema of an OpenAI Responses request (`POST /v1/responses`), as the gateway accepts it. The
 * fields it reads are checked, so a bad one is named in the 400. Fields that only OpenAI's own service can
 * honour (`previous_response_id`, stored conversations, background runs, hosted tools) are read too, so
 * that request.ts can refuse them by name rather than let them vanish. Fields with no effect on the answer
 * (`metadata`, `prompt_cache_key`, `client_metadata`, `user`, ...) are ignored, as OpenAI-compatible
 * servers do.
 */
import { z } from 'zod';
import { safeName } from '../config/safe-name.ts';

const inputText = z.object({ type: z.literal('input_text'), text: z.string() });
const inputImage = z.object({
  type: z.literal('input_image'),
  image_url: z.string().min(1).nullish(),
  file_id: z.string().nullish(),
  detail: z.string().nullish(),
});
const inputFile = z.object({
  type: z.literal('input_file'),
  file_data: z.string().nullish(),
  file_url: z.string().nullish(),
  file_id: z.string().nullish(),
  filename: z.string().nullish(),
});
const outputText = z.object({ type: z.literal('output_text'), text: z.string() });
const refusal = z.object({ type: z.literal('refusal'), refusal: z.string() });

/** What a message's content list may hold: input parts, and the output parts of a sent-back answer. */
const contentPart = z.discriminatedUnion('type', [inputText, inputImage, inputFile, outputText, refusal]);

const message = z.object({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'system', 'developer', 'assistant']),
  content: z.union([z.string(), z.array(contentPart)]),
  id: z.string().nullish(),
  status: z.string().nullish(),
});

const functionCall = z.object({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  id: z.string().nullish(),
  status: z.string().nullish(),
});

const functionCallOutput = z.object({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(z.discriminatedUnion('type', [inputText, inputImage, inputFile]))]),
  id: z.string().nullish(),
  status: z.string().nullish(),
});

const reasoning = z.object({
  type: z.literal('reasoning'),
  id: z.string().nullish(),
  summary: z.array(z.object({ type: z.string(), text: z.string() })).nullish(),
  content: z.array(z.object({ type: z.string(), text: z.string() })).nullish(),
  encrypted_content: z.string().nullish(),
  status: z.string().nullish(),
});

/**
 * Any other item (`item_reference`, `web_search_call`, `custom_tool_call`...): request.ts names it. A
 * message that failed its own schema must not land here, so a bad message is reported as invalid.
 */
const otherItem = z
  .looseObject({ type: z.string() })
  .refine((item) => item.type !== 'message' && !('role' in item), { message: 'not a valid message item' });

/**
 * One input item. Tried in order: a message is the one item whose `type` may be missing (the "easy"
 * form `{ role, content }`), so the typed items are tried first and anything unknown last.
 */
const inputItem = z.union([functionCall, functionCallOutput, reasoning, message, otherItem]);

const functionTool = z.object({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
/** Hosted and custom tools; request.ts refuses them by name, since no translated upstream runs them. */
const otherTool = z.looseObject({ type: z.string() });

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), name: z.string() }),
  z.looseObject({ type: z.string() }),
]);

const textFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string().min(1),
    description: z.string().nullish(),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullish(),
  }),
]);

// Echoed into headers, logs and metrics (safe-name.ts), so no control characters.
const modelId = safeName.max(256);

export const responsesRequestSchema = z.object({
  model: modelId,
  models: z.array(modelId).max(16).optional(),
  input: z.union([z.string(), z.array(inputItem)]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  tools: z.array(z.union([functionTool, otherTool])).nullish(),
  tool_choice: toolChoice.nullish(),
  text: z
    .object({ format: textFormat.nullish(), verbosity: z.enum(['low', 'medium', 'high']).nullish() })
    .nullish(),
  reasoning: z
    .object({
      effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
      summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
      generate_summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
    })
    .nullish(),
  include: z.array(z.string()).nullish(),
  store: z.boolean().nullish(),
  // Read only to be refused by name (request.ts): each needs state or work only OpenAI's service has.
  previous_response_id: z.string().nullish(),
  conversation: z.unknown().optional(),
  background: z.boolean().nullish(),
  prompt: z.unknown().optional(),
  max_tool_calls: z.number().int().nullish(),
  top_logprobs: z.number().int().nullish(),
});

/** A validated Responses request. */
export type ResponsesRequest = z.output<typeof responsesRequestSchema>;
/** One input item of a validated request. */
export type ResponsesInputItem = z.output<typeof inputItem>;
/** One tool of a validated request. */
export type ResponsesToolIn = z.output<typeof functionTool>;
