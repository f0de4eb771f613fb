/**
 * Builds the Chat Completions request body from a conversation, settings and tool definitions. Settings
 * the protocol has no field for (timeout, signal, extraHeaders) are left to the caller; none is an error.
 */

import type { ToolDefinition } from '../../core/model.ts';
import type { RequestBodyInput } from '../http-model.ts';
import { thinkingLevel } from '../thinking-level.ts';
import type { ChatRequestBody, ChatTool } from './api.ts';
import { convertMessages } from './convert-messages.ts';
import { chatProfile } from './profile.ts';

/**
 * The JSON body of one call. `extraBody` is merged last, so it can add fields and override ours. What
 * differs between hosts (the max-tokens field, tool call ids, thinking sent back) comes from the
 * provider's profile.
 *
 * @example
 * buildRequestBody({ modelName: 'gpt-4o', providerName: 'openai', messages, settings: { maxTokens: 50 },
 *   params: defaultRequestParameters(), stream: false });
 */
export function buildRequestBody(input: RequestBodyInput): ChatRequestBody {
  const { settings, params } = input;
  const profile = chatProfile(input.providerName);
  const body: ChatRequestBody = {
    model: input.modelName,
    messages: convertMessages(input.messages, {
      toolCallIdStyle: profile.toolCallIdStyle,
      thinkingReplay: profile.thinkingReplay,
      providerName: input.providerName,
    }),
    stream: input.stream,
  };
  if (input.stream) body.stream_options = { include_usage: true };

  const tools = [...params.functionTools, ...params.outputTools].map(toChatTool);
  if (tools.length > 0) {
    body.tools = tools;
    body.tool_choice = params.allowTextOutput ? 'auto' : 'required';
    // OpenAI rejects `parallel_tool_calls` on a request without tools.
    if (settings.parallelToolCalls !== undefined) body.parallel_tool_calls = settings.parallelToolCalls;
  }

  if (settings.maxTokens !== undefined) body[profile.maxTokensField] = settings.maxTokens;
  if (settings.temperature !== undefined) body.temperature = settings.temperature;
  if (settings.topP !== undefined) body.top_p = settings.topP;
  if (settings.seed !== undefined) body.seed = settings.seed;
  if (settings.presencePenalty !== undefined) body.presence_penalty = settings.presencePenalty;
  if (settings.frequencyPenalty !== undefined) body.frequency_penalty = settings.frequencyPenalty;
  if (settings.logitBias !== undefined) body.logit_bias = settings.logitBias;
  if (settings.stopSequences !== undefined) body.stop = settings.stopSequences;
  const effort = thinkingLevel(settings.thinking);
  if (effort !== undefined) body.reasoning_effort = effort;

  if (settings.extraBody) Object.assign(body, settings.extraBody);
  return body;
}

function toChatTool(tool: ToolDefinition): ChatTool {
  const fn: ChatTool['function'] = { name: tool.name, parameters: tool.parametersJsonSchema };
  if (tool.description !== undefined) fn.description = tool.description;
  if (tool.strict !== undefined) fn.strict = tool.strict;
  return { type: 'function', function: fn };
}
