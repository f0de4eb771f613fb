/**
 * Token counts and price of one model request. Counts are normalized across providers; anything a
 * provider reports beyond them is kept in `details` rather than lost.
 *
 * @example
 * const total = addUsage(first.usage, second.usage);
 */
export interface RequestUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Provider-specific counters (reasoning tokens, audio tokens, ...), by the provider's own names. */
  details: Record<string, number>;
  /** Price in USD of this request, when the served model's price is known; never guessed. */
  cost?: number;
}

/** A usage with every count at zero and no cost. */
export function emptyUsage(): RequestUsage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} };
}

/** Adds two usages; the cost is the sum when either is known, undefined when neither is. */
export function addUsage(a: RequestUsage, b: RequestUsage): RequestUsage {
  const details: Record<string, number> = { ...a.details };
  for (const [key, value] of Object.entries(b.details)) details[key] = (details[key] ?? 0) + value;
  const sum: RequestUsage = {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    details,
  };
  if (a.cost !== undefined || b.cost !== undefined) sum.cost = (a.cost ?? 0) + (b.cost ?? 0);
  return sum;
}
