/**
 * Finish reasons and usage between our normalized values and the AI SDK's, both ways.
 *
 * @example
 * toAISDKFinishReason('tool_call', 'tool_calls'); // { unified: 'tool-calls', raw: 'tool_calls' }
 */
import type { LanguageModelV4FinishReason, LanguageModelV4Usage } from '@ai-sdk/provider';
import type { FinishReason } from '../../messages.ts';
import type { RequestUsage } from '../../usage.ts';

const TO_UNIFIED: Record<FinishReason, LanguageModelV4FinishReason['unified']> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content-filter',
  tool_call: 'tool-calls',
  error: 'error',
};

export function toAISDKFinishReason(
  reason: FinishReason | undefined,
  raw: string | undefined,
): LanguageModelV4FinishReason {
  return { unified: reason === undefined ? 'other' : TO_UNIFIED[reason], raw: raw ?? reason };
}

/** `other` and `interrupted` have no normalized equivalent; the raw value is kept beside it. */
export function fromAISDKFinishReason(reason: LanguageModelV4FinishReason): FinishReason | undefined {
  for (const [ours, theirs] of Object.entries(TO_UNIFIED))
    if (theirs === reason.unified) return ours as FinishReason;
  return undefined;
}

/** Our `inputTokens` include cached ones, as the AI SDK's `inputTokens.total` does. */
export function toAISDKUsage(usage: RequestUsage): LanguageModelV4Usage {
  const reasoning = usage.details.reasoning_tokens ?? usage.details.reasoningTokens;
  return {
    inputTokens: {
      total: usage.inputTokens,
      noCache: Math.max(0, usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens),
      cacheRead: usage.cacheReadTokens,
      cacheWrite: usage.cacheWriteTokens,
    },
    outputTokens: {
      total: usage.outputTokens,
      text: reasoning === undefined ? undefined : usage.outputTokens - reasoning,
      reasoning,
    },
  };
}

export function fromAISDKUsage(usage: LanguageModelV4Usage): RequestUsage {
  const details: Record<string, number> = {};
  if (usage.outputTokens.reasoning !== undefined) details.reasoning_tokens = usage.outputTokens.reasoning;
  return {
    inputTokens: usage.inputTokens.total ?? 0,
    outputTokens: usage.outputTokens.total ?? 0,
    cacheReadTokens: usage.inputTokens.cacheRead ?? 0,
    cacheWriteTokens: usage.inputTokens.cacheWrite ?? 0,
    details,
  };
}
