/**
 * Builds the JSON body of `POST /messages` from the conversation, the settings and the request
 * parameters. Settings the Messages API has no field for (seed, penalties, logit bias) are left out
 * silently, since a fallback chain shares one settings object across protocols.
 *
 * @example
 * const body = buildRequestBody({ modelName: 'claude-sonnet-4-5', providerName: 'anthropic', messages: history,
 *   settings: { maxTokens: 500 }, params, stream: false });
 */

import type { ToolDefinition } from '../../core/model.ts';
import type { RequestBodyInput } from '../http-model.ts';
import type { AnthropicMessagesRequest, AnthropicToolParam } from './api.ts';
import { convertMessages } from './convert-messages.ts';
import { thinkingConfig } from './thinking-config.ts';

/** Room left for the answer when thinking would otherwise take all of `max_tokens`. */
const ANSWER_ROOM = 4096;

/**
 * Anthropic requires `max_tokens` on every call. Without one from the caller we ask for what the model
 * family can produce (as the Vercel AI SDK does), so a long answer is not cut short by our default.
 */
export function defaultMaxTokens(modelName: string): number {
  const name = modelName.toLowerCase();
  if (/claude-3-(opus|sonnet|haiku)|claude-(instant|2)/.test(name)) return 4096;
  if (/claude-3-5/.test(name)) return 8192;
  // Opus 4 and 4.1 stop at 32k output tokens; later Opus models and every other 3.7+/4+ model at 64k.
  if (/claude-opus-4(?:-[01])?(?:-\d{8})?(?:$|[^\d-]|-v)/.test(name)) return 32_000;
  if (/claude-3-7|claude-(opus|sonnet|haiku)-[4-9]|claude-[4-9]/.test(name)) return 64_000;
  return 4096;
}

/**
 * The body for one call. Thinking signatures go back only to `providerName`, which made them.
 * `extraBody` is merged last, so it can set any field the API has (`top_k`, `metadata`, `thinking`...).
 */
export function buildRequestBody(input: RequestBodyInput): AnthropicMessagesRequest {
  const { modelName, settings, params, stream } = input;
  const { system, messages } = convertMessages(input.messages, input.providerName);
  const thinking = thinkingConfig(modelName, settings.thinking);
  const budget = thinking?.kind === 'budget' ? thinking.budgetTokens : undefined;
  const body: AnthropicMessagesRequest = {
    model: modelName,
    max_tokens: maxTokens(modelName, settings.maxTokens, budget),
    messages,
    stream,
  };
  if (system !== undefined) body.system = system;
  if (thinking?.kind === 'budget') {
    body.thinking = { type: 'enabled', budget_tokens: thinking.budgetTokens };
  } else if (thinking?.kind === 'adaptive') {
    // `summarized`: the newest models omit the thinking text by default, and a caller who asked for
    // thinking gets thinking parts back, as on every other model.
    body.thinking = { type: 'adaptive', display: 'summarized' };
    if (thinking.effort !== undefined) body.output_config = { effort: thinking.effort };
  }
  if (thinking === undefined) {
    // With thinking on, the API accepts only temperature 1 and top_p >= 0.95: a shared setting such as
    // temperature 0.2 is left out rather than turning every thinking call into a 400.
    if (settings.temperature !== undefined) body.temperature = settings.temperature;
    if (settings.topP !== undefined) body.top_p = settings.topP;
  }
  if (settings.stopSequences !== undefined && settings.stopSequences.length > 0) {
    body.stop_sequences = settings.stopSequences;
  }
  const tools = [...params.functionTools, ...params.outputTools].map(toolParam);
  if (tools.length > 0) {
    body.tools = tools;
    // Forced tool use is rejected while thinking is on; the output tool is then only offered.
    const forced = !params.allowTextOutput && thinking === undefined;
    body.tool_choice = { type: forced ? 'any' : 'auto' };
    if (settings.parallelToolCalls === false) body.tool_choice.disable_parallel_tool_use = true;
  }
  return settings.extraBody ? { ...body, ...settings.extraBody } : body;
}

/**
 * `max_tokens` covers thinking and answer together and must exceed the thinking budget. A caller's
 * `maxTokens` at or below the budget is read as the room for the answer, on top of the budget.
 */
function maxTokens(modelName: string, requested: number | undefined, budget: number | undefined): number {
  if (requested !== undefined) {
    return budget !== undefined && requested <= budget ? budget + requested : requested;
  }
  const fallback = defaultMaxTokens(modelName);
  return budget !== undefined && fallback <= budget ? budget + ANSWER_ROOM : fallback;
}

// `strict` is not sent: Anthropic's strict tool use is not available on every model and would turn
// a call that works into a 400; the schema is still given in full.
function toolParam(tool: ToolDefinition): AnthropicToolParam {
  return { name: tool.name, description: tool.description ?? '', input_schema: tool.parametersJsonSchema };
}
