/**
 * Finish reasons and usage between our normalized values and the AI SDK's, both ways.
 *
 * @example
 * toAISDKFinishReason('tool_call', 'tool_calls'); // { unified: 'tool-calls', raw: 'tool_calls' }
 */
import type { LanguageModelV4FinishReason, LanguageModelV4Usage } from '@ai-sdk/provider';
import { UserError } from '../../core/errors/index.ts';
import type { FinishReason } from '../../core/messages.ts';
import { emptyUsage, type RequestUsage } from '../../core/usage.ts';
import { describeValue, isRecord, wholeNumber } from '../../core/user-input.ts';

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

/**
 * The AI SDK's finish reason as ours plus the raw value. `other` and `interrupted` have no normalized
 * equivalent; the raw value is kept beside it. A model written by hand may give a bare string (the v2
 * spec's form) or nothing; both are read rather than crashing on `.unified`.
 */
export function fromAISDKFinishReason(reason: unknown): {
  finishReason: FinishReason | undefined;
  rawFinishReason: string | undefined;
} {
  const unified = typeof reason === 'string' ? reason : isRecord(reason) ? reason.unified : undefined;
  const raw = isRecord(reason) && typeof reason.raw === 'string' ? reason.raw : undefined;
  let finishReason: FinishReason | undefined;
  for (const [ours, theirs] of Object.entries(TO_UNIFIED))
    if (theirs === unified) finishReason = ours as FinishReason;
  return { finishReason, rawFinishReason: raw ?? (typeof unified === 'string' ? unified : undefined) };
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
      // Clamped like `noCache`: a hand-written usage may count more reasoning than output.
      text: reasoning === undefined ? undefined : Math.max(0, usage.outputTokens - reasoning),
      reasoning,
    },
  };
}

/**
 * The AI SDK's usage as ours, the entry point for usage from any AI SDK model, a hand-written mock
 * included: a missing group or count is 0 (a missing `total` is the sum of its parts), a bare number in
 * place of a group is its total (the v2 spec's flat form), and a count that is not a whole number ≥ 0
 * throws a `UserError` naming it.
 */
export function fromAISDKUsage(usage: unknown, where: string): RequestUsage {
  if (usage === undefined || usage === null) return emptyUsage();
  const context = `${where} usage`;
  if (!isRecord(usage)) {
    throw new UserError(
      `${context} must be an object { inputTokens, outputTokens }; got ${describeValue(usage)}.`,
    );
  }
  const input = tokenGroup(usage.inputTokens, 'inputTokens', context);
  const output = tokenGroup(usage.outputTokens, 'outputTokens', context);
  const cacheRead = wholeNumber(input.cacheRead, 'inputTokens.cacheRead', context);
  const cacheWrite = wholeNumber(input.cacheWrite, 'inputTokens.cacheWrite', context);
  const reasoning = optionalCount(output.reasoning, 'outputTokens.reasoning', context);
  const details: Record<string, number> = {};
  if (reasoning !== undefined) details.reasoning_tokens = reasoning;
  return {
    inputTokens:
      optionalCount(input.total, 'inputTokens.total', context) ??
      wholeNumber(input.noCache, 'inputTokens.noCache', context) + cacheRead + cacheWrite,
    outputTokens:
      optionalCount(output.total, 'outputTokens.total', context) ??
      wholeNumber(output.text, 'outputTokens.text', context) + (reasoning ?? 0),
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    details,
  };
}

function tokenGroup(value: unknown, field: string, context: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'number') return { total: value };
  if (isRecord(value)) return value;
  throw new UserError(
    `${context}: ${field} must be an object such as { total: 10 }; got ${describeValue(value)}.`,
  );
}

function optionalCount(value: unknown, field: string, context: string): number | undefined {
  return value === undefined || value === null ? undefined : wholeNumber(value, field, context);
}
