/**
 * Writes a ModelResponse as an OpenAI `chat.completion` object: one choice whose message holds the text,
 * the model's readable reasoning and the tool calls, the finish reason, and usage with its `cost` in USD
 * when the price is known. OpenAI's own API never shows reasoning here; OpenRouter's does, as
 * `message.reasoning` (a string, `null` when there is none), and clients of OpenAI-shaped gateways read it
 * there, so that is where ours goes. Each thinking part is also an item of `message.reasoning_details`
 * (see reasoning-details.ts), which keeps the signature a client must send back; the field is there only
 * when the answer has thinking.
 *
 * @example
 * renderChatCompletion(response, { modelId: 'openai:gpt-4o', responseId: 'chatcmpl-1', created: 1 }, undefined)
 * // '{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"openai:gpt-4o","choices":[...],"usage":{...}}'
 */
import type { ModelResponse } from '../../core/messages.ts';
import { toolCallArgsJson } from '../../core/messages.ts';
import type { RequestUsage } from '../../core/usage.ts';
import type { ServedModel } from '../routing/served.ts';
import { openAIFinishReason } from './finish-reason.ts';
import { reasoningDetail } from './reasoning-details.ts';

interface ToolCallOut {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export function renderChatCompletion(
  response: ModelResponse,
  served: ServedModel,
  outputToolName: string | undefined,
): string {
  let content: string | null = null;
  let reasoning: string | null = null;
  // Made on the first thinking part: an answer without thinking allocates nothing for it.
  let reasoningDetails: Record<string, unknown>[] | undefined;
  const toolCalls: ToolCallOut[] = [];
  let answeredByOutputTool = false;
  for (const part of response.parts) {
    if (part.partKind === 'text') content = (content ?? '') + part.content;
    else if (part.partKind === 'thinking') {
      // Redacted thinking is encrypted; a signature-only part (Gemini) has no text either.
      if (!part.redacted && part.content !== '') reasoning = (reasoning ?? '') + part.content;
      reasoningDetails ??= [];
      reasoningDetails.push(reasoningDetail(part, reasoningDetails.length));
    } else if (part.partKind === 'tool-call') {
      if (outputToolName !== undefined && part.toolName === outputToolName) {
        content = (content ?? '') + toolCallArgsJson(part);
        answeredByOutputTool = true;
      } else {
        toolCalls.push({
          id: part.toolCallId,
          type: 'function',
          function: { name: part.toolName, arguments: toolCallArgsJson(part) },
        });
      }
    }
  }
  const message: Record<string, unknown> = { role: 'assistant', content, refusal: null, reasoning };
  if (reasoningDetails !== undefined) message.reasoning_details = reasoningDetails;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return JSON.stringify({
    id: served.responseId,
    object: 'chat.completion',
    created: served.created,
    model: served.modelId,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: openAIFinishReason(
          response.finishReason,
          answeredByOutputTool && toolCalls.length === 0,
        ),
      },
    ],
    usage: openAIUsage(response.usage),
  });
}

/** Usage in OpenAI's shape; `prompt_tokens` includes cached tokens, as OpenAI counts them. */
export function openAIUsage(usage: RequestUsage): Record<string, unknown> {
  const result: Record<string, unknown> = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens },
    completion_tokens_details: { reasoning_tokens: usage.details.reasoning_tokens ?? 0 },
  };
  if (usage.cost !== undefined) result.cost = usage.cost;
  return result;
}
