/**
 * Token counts and price of one model request. Counts are normalized across providers; anything a
 * provider reports beyond them is kept in `details` rather than lost.
 *
 * @example
 * const total = addUsage(first.usage, second.usage);
 */
import { UserError } from './errors/index.ts';
import { describeValue, isRecord, optionalAmount, wholeNumber } from './user-input.ts';

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

/**
 * A usage as a user may write it (a FunctionModel's answer, a stream function's `usage` item): any
 * subset of the counts, `details` whole, partial or absent. `normalizeUsage` turns it into a
 * `RequestUsage`, a missing count being 0.
 */
export interface UsageInput {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  cacheReadTokens?: number | undefined;
  cacheWriteTokens?: number | undefined;
  details?: Record<string, number | undefined> | undefined;
  cost?: number | undefined;
}

/**
 * The one way a hand-written usage becomes a `RequestUsage`, applied where it enters (FunctionModel,
 * `fromAISDK`), so every consumer (sums, limits, pricing, the AI SDK mapping) can rely on every field.
 * Absent (or null) counts are 0, absent details are `{}`, an absent cost stays unknown. A count that is
 * not a whole number ≥ 0 (a string, NaN, a negative) throws a `UserError` naming the field; `where`
 * says whose usage it was.
 *
 * @example
 * normalizeUsage({ inputTokens: 10, outputTokens: 5 }, 'FunctionModel f');
 * // { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} }
 */
export function normalizeUsage(value: unknown, where: string): RequestUsage {
  if (value === undefined || value === null) return emptyUsage();
  const context = `${where} usage`;
  if (!isRecord(value)) {
    throw new UserError(
      `${context} must be an object like { inputTokens: 10, outputTokens: 5 }; got ${describeValue(value)}.`,
    );
  }
  const usage: RequestUsage = {
    inputTokens: wholeNumber(value.inputTokens, 'inputTokens', context),
    outputTokens: wholeNumber(value.outputTokens, 'outputTokens', context),
    cacheReadTokens: wholeNumber(value.cacheReadTokens, 'cacheReadTokens', context),
    cacheWriteTokens: wholeNumber(value.cacheWriteTokens, 'cacheWriteTokens', context),
    details: normalizeDetails(value.details, context),
  };
  const cost = optionalAmount(value.cost, 'cost', context);
  if (cost !== undefined) usage.cost = cost;
  return usage;
}

function normalizeDetails(value: unknown, context: string): Record<string, number> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    throw new UserError(
      `${context}: details must be an object of counts like { reasoning_tokens: 3 }; got ${describeValue(value)}.`,
    );
  }
  const details: Record<string, number> = {};
  for (const [key, count] of Object.entries(value)) {
    // An absent counter is not a zero one: a provider that did not report it did not count it.
    if (count !== undefined && count !== null) details[key] = wholeNumber(count, `details.${key}`, context);
  }
  return details;
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
