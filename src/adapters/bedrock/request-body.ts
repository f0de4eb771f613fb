/**
 * Builds the Converse request body. `system` and `inferenceConfig` are always present (empty when unset),
 * as AWS's own SDKs send them. Thinking is model-specific on Bedrock and goes in
 * `additionalModelRequestFields`: Claude models take `thinking` as on Anthropic's own API (adaptive with
 * an effort from 4.6 on, a token budget before: thinking-config.ts), OpenAI's open-weight models
 * `reasoning_effort`; other families have no switch and get nothing.
 */

import type { ToolDefinition } from '../../core/model.ts';
import { thinkingConfig } from '../anthropic/thinking-config.ts';
import type { RequestBodyInput } from '../http-model.ts';
import { thinkingLevel } from '../thinking-level.ts';
import type { BedrockConverseRequest, BedrockToolSpec } from './api.ts';
import { convertMessages } from './convert-messages.ts';

/** Room left for the answer when a caller's `maxTokens` would leave none beside the thinking budget. */
const ANSWER_ROOM = 4096;

/**
 * The JSON body of one call (the same for `converse` and `converse-stream`). `extraBody` is merged last.
 *
 * @example
 * buildRequestBody({ modelName: 'us.anthropic.claude-sonnet-4-20250514-v1:0', providerName: 'bedrock', messages,
 *   settings: { thinking: 'minimal' }, params: defaultRequestParameters(), stream: false });
 * // { messages, system: [], inferenceConfig: {}, additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 } } }
 */
export function buildRequestBody(input: RequestBodyInput): BedrockConverseRequest {
  const { settings, params } = input;
  const { system, messages } = convertMessages(input.messages, input.providerName);
  const body: BedrockConverseRequest = { messages, system, inferenceConfig: {} };

  const tools = [...params.functionTools, ...params.outputTools].map(toToolSpec);
  if (tools.length > 0) {
    body.toolConfig = { tools };
    // `auto` is Converse's default and not every model takes an explicit one; `any` forces a tool call.
    if (!params.allowTextOutput) body.toolConfig.toolChoice = { any: {} };
  }

  const config = body.inferenceConfig;
  if (settings.maxTokens !== undefined) config.maxTokens = settings.maxTokens;
  if (settings.temperature !== undefined) config.temperature = settings.temperature;
  if (settings.topP !== undefined) config.topP = settings.topP;
  if (settings.stopSequences !== undefined) config.stopSequences = settings.stopSequences;

  const level = thinkingLevel(settings.thinking);
  if (level !== undefined) {
    const claude = isAnthropic(input.modelName)
      ? thinkingConfig(input.modelName, settings.thinking)
      : undefined;
    if (claude?.kind === 'adaptive') {
      // Claude 4.6 and later think adaptively, guided by an effort; Opus 4.7 and later refuse a budget.
      body.additionalModelRequestFields = {
        thinking: { type: 'adaptive' },
        ...(claude.effort && { output_config: { effort: claude.effort } }),
      };
    } else if (claude) {
      const budget = claude.budgetTokens;
      body.additionalModelRequestFields = { thinking: { type: 'enabled', budget_tokens: budget } };
      // The budget counts against maxTokens, which must exceed it.
      if (config.maxTokens !== undefined && config.maxTokens <= budget) config.maxTokens += budget;
      else if (config.maxTokens === undefined && budget > 1024) config.maxTokens = budget + ANSWER_ROOM;
    } else if (/(^|\.)openai\./.test(input.modelName)) {
      body.additionalModelRequestFields = { reasoning_effort: level === 'xhigh' ? 'high' : level };
    }
  }

  if (settings.extraBody) Object.assign(body, settings.extraBody);
  return body;
}

/** Model ids and inference profiles: `anthropic.claude-...`, `us.anthropic.claude-...`, ARNs containing it. */
function isAnthropic(modelName: string): boolean {
  return /(^|[.:/])anthropic\./.test(modelName);
}

function toToolSpec(tool: ToolDefinition): BedrockToolSpec {
  const spec: BedrockToolSpec['toolSpec'] = {
    name: tool.name,
    inputSchema: { json: tool.parametersJsonSchema },
  };
  if (tool.description !== undefined) spec.description = tool.description;
  return { toolSpec: spec };
}
