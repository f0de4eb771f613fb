/**
 * The Gemini `generateContent` request body as the gateway accepts it (validated with zod; unknown fields
 * are refused by the reader where they would change the answer, see request.ts). Field names and enum
 * values are Google's; enums are matched case-insensitively where the SDKs send either case
 * (`thinkingLevel: 'HIGH'` from Gemini CLI, `'high'` from a hand-written body).
 */
import { z } from 'zod';

const functionCall = z.looseObject({
  name: z.string().min(1),
  args: z.record(z.string(), z.unknown()).nullish(),
  id: z.string().nullish(),
});

const functionResponse = z.looseObject({
  name: z.string().min(1),
  response: z.record(z.string(), z.unknown()).nullish(),
  id: z.string().nullish(),
  parts: z.array(z.unknown()).nullish(),
});

export const geminiPartSchema = z.looseObject({
  text: z.string().nullish(),
  thought: z.boolean().nullish(),
  thoughtSignature: z.string().nullish(),
  inlineData: z.looseObject({ mimeType: z.string().min(1), data: z.string() }).nullish(),
  fileData: z.looseObject({ fileUri: z.string().min(1), mimeType: z.string().nullish() }).nullish(),
  functionCall: functionCall.nullish(),
  functionResponse: functionResponse.nullish(),
});

const content = z.looseObject({
  role: z.enum(['user', 'model', 'function']).nullish(),
  parts: z.array(geminiPartSchema),
});

const functionDeclaration = z.looseObject({
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  parametersJsonSchema: z.record(z.string(), z.unknown()).nullish(),
});

const caseInsensitive = <T extends string>(values: readonly [T, ...T[]]) =>
  z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(values));

export const generateContentRequestSchema = z.looseObject({
  contents: z.array(content).min(1),
  systemInstruction: z
    .union([z.string(), z.looseObject({ role: z.string().nullish(), parts: z.array(geminiPartSchema) })])
    .nullish(),
  tools: z.array(z.looseObject({ functionDeclarations: z.array(functionDeclaration).nullish() })).nullish(),
  toolConfig: z
    .looseObject({
      functionCallingConfig: z
        .looseObject({
          mode: caseInsensitive(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']).nullish(),
          allowedFunctionNames: z.array(z.string()).nullish(),
        })
        .nullish(),
    })
    .nullish(),
  generationConfig: z
    .looseObject({
      temperature: z.number().min(0).max(2).nullish(),
      topP: z.number().min(0).max(1).nullish(),
      topK: z.number().nullish(),
      candidateCount: z.number().int().nullish(),
      maxOutputTokens: z.number().int().positive().nullish(),
      stopSequences: z.array(z.string()).nullish(),
      seed: z.number().int().nullish(),
      presencePenalty: z.number().nullish(),
      frequencyPenalty: z.number().nullish(),
      responseMimeType: z.string().nullish(),
      responseSchema: z.record(z.string(), z.unknown()).nullish(),
      responseJsonSchema: z.record(z.string(), z.unknown()).nullish(),
      responseModalities: z.array(z.string()).nullish(),
      responseLogprobs: z.boolean().nullish(),
      thinkingConfig: z
        .looseObject({
          includeThoughts: z.boolean().nullish(),
          thinkingBudget: z.number().int().nullish(),
          thinkingLevel: caseInsensitive([
            'THINKING_LEVEL_UNSPECIFIED',
            'MINIMAL',
            'LOW',
            'MEDIUM',
            'HIGH',
          ]).nullish(),
        })
        .nullish(),
    })
    .nullish(),
  // Accepted and not carried: see the README's translation table (they tune Google's own filters).
  safetySettings: z.array(z.unknown()).nullish(),
  cachedContent: z.string().nullish(),
  // The gateway's own OpenRouter-style fallback list, after the model the path names.
  models: z.array(z.string().min(1).max(256)).max(16).nullish(),
});

export type GenerateContentRequest = z.output<typeof generateContentRequestSchema>;
export type GeminiRequestPart = z.output<typeof geminiPartSchema>;
