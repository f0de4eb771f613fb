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
  namespace: z.string().min(1).nullish(),
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

/** The items the gateway translates, told apart by `type` (a message's may be missing: the "easy" form). */
const knownItem = z.discriminatedUnion('type', [message, functionCall, functionCallOutput, reasoning]);
const KNOWN_TYPES: ReadonlySet<unknown> = new Set([
  'message',
  'function_call',
  'function_call_output',
  'reasoning',
]);

/** Any other item (`item_reference`, `web_search_call`, `custom_tool_call`...): request.ts names it. */
const otherItem = z.looseObject({ type: z.string() });

/**
 * One input item, read by its `type` with one lookup: a known item by its own schema (so a bad one is
 * reported by its own field, `input[2].content[0].text`), any other as one to be refused by name. A
 * union would try every schema in turn and report the last failure.
 */
const inputItem = z
  .unknown()
  .transform((item, ctx): z.output<typeof knownItem> | z.output<typeof otherItem> => {
    const type = typeof item === 'object' && item !== null ? (item as { type?: unknown }).type : undefined;
    const parsed = (type === undefined || KNOWN_TYPES.has(type) ? knownItem : otherItem).safeParse(item);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });

const inputItems = z.array(inputItem);

/** `input`: a string, or a list of items (told apart first, so an item's own error is the one reported). */
const inputSchema = z.unknown().transform((input, ctx): string | z.output<typeof inputItems> => {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) {
    ctx.addIssue({ code: 'custom', message: 'expected a string or an array of input items' });
    return z.NEVER;
  }
  const parsed = inputItems.safeParse(input);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
  return z.NEVER;
});

const functionTool = z.object({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
/** Hosted and custom tools; request.ts refuses them by name, since no translated upstream runs them. */
const otherTool = z.looseObject({ type: z.string() });
/** A named group of function tools (namespaced-tools.ts). */
const namespaceTool = z.object({
  type: z.literal('namespace'),
  name: z.string().min(1),
  description: z.string().nullish(),
  tools: z.array(z.union([functionTool, otherTool])),
});

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
  input: inputSchema,
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  tools: z.array(z.union([functionTool, namespaceTool, otherTool])).nullish(),
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
/** A namespace tool of a validated request. */
export type ResponsesNamespaceIn = z.output<typeof namespaceTool>;
