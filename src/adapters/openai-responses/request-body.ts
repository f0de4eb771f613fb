/**
 * Builds the Responses request body from a conversation, settings and tool definitions. Settings the
 * protocol has no field for (seed, penalties, logit bias, stop sequences) are not sent: the Responses API
 * rejects them, and none is worth failing a call over.
 */

import type { ToolDefinition } from '../../core/model.ts';
import type { RequestBodyInput } from '../http-model.ts';
import { thinkingLevel } from '../thinking-level.ts';
import type { ResponsesRequestBody, ResponsesTool } from './api.ts';
import { convertInput } from './convert-input.ts';

// Reasoning models, whose reasoning we ask back encrypted so a stateless history can carry it. Other
// models reject `include: ['reasoning.encrypted_content']`.
const REASONING_MODEL = /^(o\d|gpt-5|codex)/;

/**
 * The JSON body of one call. `extraBody` is merged last, so it can add fields (`text.format`,
 * `reasoning.summary`, `store`) and override ours.
 *
 * @example
 * buildRequestBody({ modelName: 'gpt-5', providerName: 'openai-responses', messages, settings: { thinking: 'high' },
 *   params: defaultRequestParameters(), stream: false });
 * // { model: 'gpt-5', input: [...], stream: false, include: ['reasoning.encrypted_content'], reasoning: { effort: 'high' } }
 */
export function buildRequestBody(input: RequestBodyInput): ResponsesRequestBody {
  const { settings, params } = input;
  const { instructions, input: items } = convertInput(input.messages, input.providerName);
  const body: ResponsesRequestBody = { model: input.modelName, input: items, stream: input.stream };
  if (instructions !== undefined) body.instructions = instructions;

  const tools = [...params.functionTools, ...params.outputTools].map(toResponsesTool);
  if (tools.length > 0) {
    body.tools = tools;
    body.tool_choice = params.allowTextOutput ? 'auto' : 'required';
    if (settings.parallelToolCalls !== undefined) body.parallel_tool_calls = settings.parallelToolCalls;
  }

  const effort = thinkingLevel(settings.thinking);
  if (effort !== undefined || REASONING_MODEL.test(input.modelName)) {
    body.include = ['reasoning.encrypted_content'];
  }
  if (effort !== undefined) body.reasoning = { effort };

  if (settings.maxTokens !== undefined) body.max_output_tokens = settings.maxTokens;
  if (settings.temperature !== undefined) body.temperature = settings.temperature;
  if (settings.topP !== undefined) body.top_p = settings.topP;

  if (settings.extraBody) Object.assign(body, settings.extraBody);
  return body;
}

function toResponsesTool(tool: ToolDefinition): ResponsesTool {
  const out: ResponsesTool = {
    type: 'function',
    name: tool.name,
    parameters: tool.parametersJsonSchema,
    strict: tool.strict ?? false,
  };
  if (tool.description !== undefined) out.description = tool.description;
  return out;
}
