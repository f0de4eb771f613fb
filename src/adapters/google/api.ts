/**
 * The Gemini `generateContent` wire format: plain types for what we send (we build it, so no validation),
 * zod schemas for what comes back (untrusted). The schemas are loose — unknown fields pass through —
 * because Google adds fields often (`serviceTier`, `trafficType`, `createTime`, `avgLogprobs`) and
 * Vertex and the Gemini API differ in the extras they send.
 */
import { z } from 'zod';

// ---------------------------------------------------------------- request (what we send)

/** One part of a `Content`; exactly one data field is set, `thoughtSignature` may ride on any of them. */
export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { fileUri: string; mimeType?: string };
  functionCall?: { name: string; args: Record<string, unknown>; id?: string };
  functionResponse?: { name: string; response: Record<string, unknown>; id?: string };
}

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parametersJsonSchema: Record<string, unknown>;
}

export interface GeminiThinkingConfig {
  includeThoughts?: boolean;
  thinkingBudget?: number;
  thinkingLevel?: 'minimal' | 'low' | 'medium' | 'high';
}

export interface GeminiGenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  stopSequences?: string[];
  thinkingConfig?: GeminiThinkingConfig;
}

/** The request body; `extraBody` fields are merged in on top, so this is open-ended. */
export interface GeminiRequestBody {
  contents: GeminiContent[];
  systemInstruction?: { role: 'user'; parts: Array<{ text: string }> };
  generationConfig?: GeminiGenerationConfig;
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: { functionCallingConfig: { mode: 'AUTO' | 'ANY'; allowedFunctionNames?: string[] } };
  [field: string]: unknown;
}

// ---------------------------------------------------------------- response (what comes back)

const partSchema = z.looseObject({
  text: z.string().nullish(),
  thought: z.boolean().nullish(),
  thoughtSignature: z.string().nullish(),
  functionCall: z
    .looseObject({
      name: z.string(),
      args: z.record(z.string(), z.unknown()).nullish(),
      id: z.string().nullish(),
    })
    .nullish(),
});

const candidateSchema = z.looseObject({
  content: z.looseObject({ parts: z.array(partSchema).nullish(), role: z.string().nullish() }).nullish(),
  finishReason: z.string().nullish(),
  finishMessage: z.string().nullish(),
  index: z.number().nullish(),
});

const modalityCountSchema = z.array(
  z.looseObject({ modality: z.string().nullish(), tokenCount: z.number().nullish() }),
);

const usageMetadataSchema = z.looseObject({
  promptTokenCount: z.number().nullish(),
  candidatesTokenCount: z.number().nullish(),
  cachedContentTokenCount: z.number().nullish(),
  thoughtsTokenCount: z.number().nullish(),
  toolUsePromptTokenCount: z.number().nullish(),
  totalTokenCount: z.number().nullish(),
  promptTokensDetails: modalityCountSchema.nullish(),
  candidatesTokensDetails: modalityCountSchema.nullish(),
  cacheTokensDetails: modalityCountSchema.nullish(),
});

/** The error object of an error body or an in-band error frame: `{code, message, status, details}`. */
export const errorObjectSchema = z.looseObject({
  code: z.number().nullish(),
  message: z.string().nullish(),
  status: z.string().nullish(),
  details: z.array(z.unknown()).nullish(),
});

/** A whole `generateContent` answer, and each `streamGenerateContent` chunk (the same shape). */
export const generateContentResponseSchema = z.looseObject({
  candidates: z.array(candidateSchema).nullish(),
  promptFeedback: z
    .looseObject({ blockReason: z.string().nullish(), blockReasonMessage: z.string().nullish() })
    .nullish(),
  usageMetadata: usageMetadataSchema.nullish(),
  modelVersion: z.string().nullish(),
  responseId: z.string().nullish(),
  error: errorObjectSchema.nullish(),
});

export type GenerateContentResponse = z.infer<typeof generateContentResponseSchema>;
export type GeminiUsageMetadata = z.infer<typeof usageMetadataSchema>;
export type GeminiResponsePart = z.infer<typeof partSchema>;
