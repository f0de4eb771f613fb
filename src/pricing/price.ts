/**
 * The price of one request, from the served model and its usage, using the price table bundled with
 * `@pydantic/genai-prices` (offline: it is never updated over the network at run time).
 *
 * @example
 * priceOf('openai', 'gpt-4o', { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} });
 * // 0.0035 (USD)
 */
import { calcPrice, findProvider } from '@pydantic/genai-prices';
import type { RequestUsage } from '../usage.ts';

// Our provider names that genai-prices knows under another id.
const PRICE_PROVIDER_IDS: Record<string, string> = {
  'google-gla': 'google',
  'google-vertex': 'google',
  xai: 'x-ai',
  grok: 'x-ai',
};

/**
 * USD price of a request, or undefined when the provider or model is not in the price table — never a
 * guess from a similar name of another provider. Cache reads and writes are priced at their own rates.
 */
export function priceOf(providerName: string, modelName: string, usage: RequestUsage): number | undefined {
  const providerId = PRICE_PROVIDER_IDS[providerName] ?? providerName;
  // Without a known provider, genai-prices would match the model name against every provider.
  const provider = findProvider({ providerId });
  if (!provider) return undefined;
  try {
    const result = calcPrice(
      {
        input_tokens: usage.inputTokens,
        output_tokens: usage.outputTokens,
        cache_read_tokens: usage.cacheReadTokens,
        cache_write_tokens: usage.cacheWriteTokens,
      },
      modelName,
      { provider },
    );
    return result ? result.total_price : undefined;
  } catch {
    // The table rejects impossible usage (cache counts above the input count): no price rather than a wrong one.
    return undefined;
  }
}

/** The usage with its `cost` set from the price table when known; the input is not changed. */
export function withCost(providerName: string, modelName: string, usage: RequestUsage): RequestUsage {
  if (usage.cost !== undefined) return usage;
  const cost = priceOf(providerName, modelName, usage);
  return cost === undefined ? usage : { ...usage, cost };
}
