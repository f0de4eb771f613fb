/**
 * Call settings and tools between our `ModelSettings` + `ModelRequestParameters` and the AI SDK's
 * `LanguageModelV4CallOptions`, both ways. What one side cannot express is reported as an AI SDK
 * warning (toAISDK) or simply not sent (fromAISDK).
 *
 * @example
 * const options = toAISDKCallOptions(prompt, { maxTokens: 100, signal }, params);
 * // { prompt, maxOutputTokens: 100, abortSignal: signal, tools: [...], toolChoice: { type: 'required' } }
 */
import type {
  LanguageModelV4CallOptions,
  LanguageModelV4FunctionTool,
  LanguageModelV4Prompt,
  SharedV4Warning,
} from '@ai-sdk/provider';
import type { ModelRequestParameters, ToolDefinition } from '../../core/model.ts';
import type { ModelSettings } from '../../core/settings.ts';

// ---------------------------------------------------------------- ours → AI SDK

export function toAISDKCallOptions(
  prompt: LanguageModelV4Prompt,
  settings: ModelSettings,
  params: ModelRequestParameters,
): LanguageModelV4CallOptions {
  const options: LanguageModelV4CallOptions = { prompt };
  if (settings.maxTokens !== undefined) options.maxOutputTokens = settings.maxTokens;
  if (settings.temperature !== undefined) options.temperature = settings.temperature;
  if (settings.topP !== undefined) options.topP = settings.topP;
  if (settings.seed !== undefined) options.seed = settings.seed;
  if (settings.presencePenalty !== undefined) options.presencePenalty = settings.presencePenalty;
  if (settings.frequencyPenalty !== undefined) options.frequencyPenalty = settings.frequencyPenalty;
  if (settings.stopSequences !== undefined) options.stopSequences = settings.stopSequences;
  if (settings.extraHeaders !== undefined) options.headers = settings.extraHeaders;
  if (settings.signal !== undefined) options.abortSignal = settings.signal;
  if (settings.thinking !== undefined) {
    options.reasoning =
      settings.thinking === true
        ? 'provider-default'
        : settings.thinking === false
          ? 'none'
          : settings.thinking;
  }
  const tools = [...params.functionTools, ...params.outputTools].map(functionTool);
  if (tools.length > 0) {
    options.tools = tools;
    options.toolChoice = params.allowTextOutput ? { type: 'auto' } : { type: 'required' };
  }
  return options;
}

function functionTool(definition: ToolDefinition): LanguageModelV4FunctionTool {
  const tool: LanguageModelV4FunctionTool = {
    type: 'function',
    name: definition.name,
    inputSchema: definition.parametersJsonSchema as LanguageModelV4FunctionTool['inputSchema'],
  };
  if (definition.description !== undefined) tool.description = definition.description;
  if (definition.strict !== undefined) tool.strict = definition.strict;
  return tool;
}

// ---------------------------------------------------------------- AI SDK → ours

export interface OurCallOptions {
  settings: ModelSettings;
  params: ModelRequestParameters;
  warnings: SharedV4Warning[];
}

export function fromAISDKCallOptions(options: LanguageModelV4CallOptions): OurCallOptions {
  const settings: ModelSettings = {};
  const warnings: SharedV4Warning[] = [];
  if (options.maxOutputTokens !== undefined) settings.maxTokens = options.maxOutputTokens;
  if (options.temperature !== undefined) settings.temperature = options.temperature;
  if (options.topP !== undefined) settings.topP = options.topP;
  if (options.seed !== undefined) settings.seed = options.seed;
  if (options.presencePenalty !== undefined) settings.presencePenalty = options.presencePenalty;
  if (options.frequencyPenalty !== undefined) settings.frequencyPenalty = options.frequencyPenalty;
  if (options.stopSequences !== undefined) settings.stopSequences = options.stopSequences;
  if (options.abortSignal !== undefined) settings.signal = options.abortSignal;
  if (options.topK !== undefined) warnings.push({ type: 'unsupported', feature: 'topK' });
  if (options.headers !== undefined) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers))
      if (value !== undefined && name.toLowerCase() !== 'user-agent') headers[name] = value;
    // The AI SDK always adds its own user-agent; alone, it must not replace the model's default headers
    // (settings merge key by key, so a call's extraHeaders replace the model's whole set).
    if (Object.keys(headers).length > 0) settings.extraHeaders = headers;
  }
  if (options.reasoning !== undefined) {
    const reasoning = options.reasoning;
    settings.thinking =
      reasoning === 'none'
        ? false
        : reasoning === 'provider-default'
          ? true
          : reasoning === 'max'
            ? 'xhigh'
            : reasoning;
  }
  if (options.responseFormat?.type === 'json') {
    warnings.push({
      type: 'unsupported',
      feature: 'responseFormat',
      details: 'JSON response format is not passed through; use a tool or Output.object in the prompt.',
    });
  }

  let functionTools: ToolDefinition[] = [];
  for (const tool of options.tools ?? []) {
    if (tool.type === 'provider') {
      warnings.push({ type: 'unsupported', feature: `provider tool ${tool.id}` });
      continue;
    }
    const definition: ToolDefinition = {
      name: tool.name,
      parametersJsonSchema: tool.inputSchema as Record<string, unknown>,
    };
    if (tool.description !== undefined) definition.description = tool.description;
    if (tool.strict !== undefined) definition.strict = tool.strict;
    functionTools.push(definition);
  }
  let allowTextOutput = true;
  const choice = options.toolChoice;
  if (choice?.type === 'none') functionTools = [];
  else if (choice?.type === 'required' && functionTools.length > 0) allowTextOutput = false;
  else if (choice?.type === 'tool') {
    functionTools = functionTools.filter((tool) => tool.name === choice.toolName);
    allowTextOutput = false;
  }
  return { settings, params: { functionTools, outputTools: [], allowTextOutput }, warnings };
}
