/**
 * Builds the JSON body of a Gemini `generateContent` call from the conversation, the settings and the
 * request parameters. Settings Gemini has no field for (`logitBias`, `parallelToolCalls`, `timeout`) are
 * left out silently; `extraBody` is merged last, over everything.
 */

import type { ToolDefinition } from '../../core/model.ts';
import type { ModelSettings, ThinkingLevel } from '../../core/settings.ts';
import type { RequestBodyInput } from '../http-model.ts';
import type {
  GeminiFunctionDeclaration,
  GeminiGenerationConfig,
  GeminiRequestBody,
  GeminiThinkingConfig,
} from './api.ts';
import { convertMessages } from './convert-messages.ts';

/**
 * The whole request body.
 *
 * @example
 * const body = buildRequestBody({ modelName: 'gemini-2.5-flash', providerName: 'google-gla', messages,
 *   settings: { maxTokens: 100, thinking: 'low' }, params, stream: false });
 * // body.generationConfig: { maxOutputTokens: 100, thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } }
 */
export function buildRequestBody(input: RequestBodyInput): GeminiRequestBody {
  const { settings, params } = input;
  // The body is the same for a stream: Gemini chooses by endpoint, not by a field.
  const { contents, systemInstruction } = convertMessages(input.messages, input);
  const body: GeminiRequestBody = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;

  const generationConfig = buildGenerationConfig(settings, input.modelName);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;

  const tools = [...params.functionTools, ...params.outputTools];
  if (tools.length > 0) {
    body.tools = [{ functionDeclarations: tools.map(functionDeclaration) }];
    // No text answer allowed: Gemini must call one of the tools (`ANY`); otherwise it chooses (`AUTO`,
    // the default, so not sent).
    if (!params.allowTextOutput) {
      body.toolConfig = {
        functionCallingConfig: { mode: 'ANY', allowedFunctionNames: tools.map((tool) => tool.name) },
      };
    }
  }
  return settings.extraBody ? { ...body, ...settings.extraBody } : body;
}

function functionDeclaration(tool: ToolDefinition): GeminiFunctionDeclaration {
  // `parametersJsonSchema` takes full JSON Schema (refs, anyOf, additionalProperties), unlike the older
  // OpenAPI-subset `parameters`, so tool schemas need no rewriting.
  const declaration: GeminiFunctionDeclaration = {
    name: tool.name,
    parametersJsonSchema: tool.parametersJsonSchema,
  };
  if (tool.description !== undefined) declaration.description = tool.description;
  return declaration;
}

function buildGenerationConfig(settings: ModelSettings, modelName: string): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (settings.maxTokens !== undefined) config.maxOutputTokens = settings.maxTokens;
  if (settings.temperature !== undefined) config.temperature = settings.temperature;
  if (settings.topP !== undefined) config.topP = settings.topP;
  if (settings.seed !== undefined) config.seed = settings.seed;
  if (settings.presencePenalty !== undefined) config.presencePenalty = settings.presencePenalty;
  if (settings.frequencyPenalty !== undefined) config.frequencyPenalty = settings.frequencyPenalty;
  if (settings.stopSequences !== undefined) config.stopSequences = settings.stopSequences;
  if (settings.thinking !== undefined) {
    const thinkingConfig = thinkingConfigFor(settings.thinking, modelName);
    if (thinkingConfig) config.thinkingConfig = thinkingConfig;
  }
  return config;
}

/** Token budgets for the 2.5 family, which takes a budget rather than a level. */
const BUDGET_BY_LEVEL: Record<ThinkingLevel, number> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
};

/**
 * Gemini 3 takes a `thinkingLevel` (Pro: low|high; Flash also minimal|medium) and cannot turn thinking
 * off; 2.5 takes a `thinkingBudget` (Pro cannot go to 0, and allows up to 32768; Flash up to 24576);
 * 2.0 and 1.5 have no thinking, so the setting is ignored there.
 *
 * @example
 * thinkingConfigFor('low', 'gemini-2.5-flash');  // { includeThoughts: true, thinkingBudget: 1024 }
 * thinkingConfigFor(false, 'gemini-3-pro-preview'); // { thinkingLevel: 'low' } (Gemini 3 cannot stop thinking)
 */
export function thinkingConfigFor(
  thinking: boolean | ThinkingLevel,
  modelName: string,
): GeminiThinkingConfig | undefined {
  const family = modelFamily(modelName);
  if (family === 'no-thinking') return undefined;
  if (thinking === false) {
    if (family === 'gemini-3') return { thinkingLevel: modelName.includes('flash') ? 'minimal' : 'low' };
    return family === 'gemini-2.5-pro' ? undefined : { thinkingBudget: 0 };
  }
  if (thinking === true) return { includeThoughts: true };
  if (family === 'gemini-3') {
    const flash = modelName.includes('flash');
    const level =
      thinking === 'minimal' || thinking === 'low'
        ? flash
          ? thinking
          : 'low'
        : thinking === 'medium' && flash
          ? 'medium'
          : 'high';
    return { includeThoughts: true, thinkingLevel: level };
  }
  const cap = family === 'gemini-2.5-pro' ? 32768 : 24576;
  return { includeThoughts: true, thinkingBudget: Math.min(BUDGET_BY_LEVEL[thinking], cap) };
}

function modelFamily(modelName: string): 'gemini-3' | 'gemini-2.5-pro' | 'budget' | 'no-thinking' {
  const version = /gemini-(\d+)(?:\.(\d+))?/.exec(modelName);
  if (!version) return 'budget';
  const major = Number(version[1]);
  const minor = Number(version[2] ?? 0);
  if (major >= 3) return 'gemini-3';
  if (major < 2 || (major === 2 && minor < 5)) return 'no-thinking';
  return modelName.includes('pro') ? 'gemini-2.5-pro' : 'budget';
}
