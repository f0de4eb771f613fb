/**
 * The AWS Bedrock Converse wire format: plain types for what we send, loose zod schemas for what comes
 * back (the same content blocks serve `converse` answers and `converse-stream` events).
 */
import { z } from 'zod';

// ---------------------------------------------------------------- request (what we send)

export type BedrockImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';
export type BedrockDocumentFormat = 'pdf' | 'csv' | 'doc' | 'docx' | 'xls' | 'xlsx' | 'html' | 'txt' | 'md';

export type BedrockToolResultContent = { text: string } | { json: unknown };

export type BedrockContentBlock =
  | { text: string }
  | { image: { format: BedrockImageFormat; source: { bytes: string } } }
  | { document: { format: BedrockDocumentFormat; name: string; source: { bytes: string } } }
  | { toolUse: { toolUseId: string; name: string; input: unknown } }
  | {
      toolResult: {
        toolUseId: string;
        content: BedrockToolResultContent[];
        status: 'success' | 'error';
      };
    }
  | {
      reasoningContent: { reasoningText: { text: string; signature?: string } } | { redactedContent: string };
    };

export interface BedrockMessage {
  role: 'user' | 'assistant';
  content: BedrockContentBlock[];
}

export interface BedrockToolSpec {
  toolSpec: { name: string; description?: string; inputSchema: { json: Record<string, unknown> } };
}

/** The request body; `extraBody` fields are merged in on top, so this is open-ended. */
export interface BedrockConverseRequest {
  messages: BedrockMessage[];
  system: Array<{ text: string }>;
  inferenceConfig: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: { tools: BedrockToolSpec[]; toolChoice?: { any: Record<string, never> } };
  additionalModelRequestFields?: Record<string, unknown>;
  [field: string]: unknown;
}

// ---------------------------------------------------------------- response (what comes back)

const reasoningSchema = z.looseObject({
  reasoningText: z.looseObject({ text: z.string().nullish(), signature: z.string().nullish() }).nullish(),
  redactedContent: z.string().nullish(),
  // Stream deltas carry these flat.
  text: z.string().nullish(),
  signature: z.string().nullish(),
});

export const contentBlockSchema = z.looseObject({
  text: z.string().nullish(),
  toolUse: z
    .looseObject({
      toolUseId: z.string().nullish(),
      name: z.string().nullish(),
      // A whole answer gives an object; a stream delta gives JSON text.
      input: z.unknown().optional(),
    })
    .nullish(),
  reasoningContent: reasoningSchema.nullish(),
});

export const usageSchema = z.looseObject({
  inputTokens: z.number().nullish(),
  outputTokens: z.number().nullish(),
  totalTokens: z.number().nullish(),
  cacheReadInputTokens: z.number().nullish(),
  cacheWriteInputTokens: z.number().nullish(),
});

export const converseResponseSchema = z.looseObject({
  output: z.looseObject({
    message: z.looseObject({ role: z.string().nullish(), content: z.array(contentBlockSchema) }).nullish(),
  }),
  stopReason: z.string().nullish(),
  usage: usageSchema.nullish(),
});

/** The payload of one `converse-stream` event; which fields are set depends on the event type. */
export const streamPayloadSchema = z.looseObject({
  contentBlockIndex: z.number().int().nullish(),
  start: contentBlockSchema.nullish(),
  delta: contentBlockSchema.nullish(),
  stopReason: z.string().nullish(),
  usage: usageSchema.nullish(),
  message: z.string().nullish(),
});

export type BedrockContentBlockOut = z.infer<typeof contentBlockSchema>;
export type BedrockUsage = z.infer<typeof usageSchema>;
export type BedrockStreamPayload = z.infer<typeof streamPayloadSchema>;
