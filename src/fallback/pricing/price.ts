/**
 * The price of one request, from the served model and its usage, using the price table bundled with
 * `@pydantic/genai-prices` (offline: it is never updated over the network at run time).
 *
 * @example
 * priceOf('openai', 'gpt-4o', { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0, details: {} });
 * // 0.0035 (USD)
 */
import { calcPrice, findProvider, type Provider } from '@pydantic/genai-prices';
import type { RequestUsage } from '../../core/usage.ts';

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
  const provider = pricedProvider(providerName, modelName);
  if (!provider) return undefined;
  const flat = flatPrice(provider, usage);
  if (flat !== undefined) return flat;
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

// Matching a model name against a provider's whole table costs ~100 µs; a call's path must not pay it
// each time. Once matched, the provider is kept with only that model (null: not in the table).
const matched = new Map<string, Provider | null>();
const MAX_MATCHED = 2_000;

function pricedProvider(providerName: string, modelName: string): Provider | undefined {
  const key = `${providerName}\u0000${modelName}`;
  let provider = matched.get(key);
  if (provider === undefined) {
    provider = matchProvider(providerName, modelName);
    if (matched.size >= MAX_MATCHED) matched.clear();
    matched.set(key, provider);
  }
  return provider ?? undefined;
}

function matchProvider(providerName: string, modelName: string): Provider | null {
  const providerId = PRICE_PROVIDER_IDS[providerName] ?? providerName;
  // Without a known provider, genai-prices would match the model name against every provider.
  const provider = findProvider({ providerId });
  if (!provider) return null;
  const probe = calcPrice({ input_tokens: 0, output_tokens: 0 }, modelName, { provider });
  return probe ? { ...provider, models: [probe.model] } : null;
}

const PER_MILLION = 1_000_000;

/**
 * calcPrice costs ~18 µs a call, the whole budget of a FallbackModel request. For a model whose token
 * prices are plain numbers (no tiers, no dated prices) the price is linear in the counts, so it is
 * computed here; any unit the usage needs but the model does not price separately goes to calcPrice,
 * which knows the provider's rule for it. The test checks both paths agree.
 */
function flatPrice(provider: Provider, usage: RequestUsage): number | undefined {
  const prices = provider.models[0]?.prices;
  if (!prices || Array.isArray(prices)) return undefined;
  const { input_mtok: input, output_mtok: output, cache_read_mtok: read, cache_write_mtok: write } = prices;
  if (typeof input !== 'number' || typeof output !== 'number') return undefined;
  if (usage.cacheReadTokens > 0 && typeof read !== 'number') return undefined;
  if (usage.cacheWriteTokens > 0 && typeof write !== 'number') return undefined;
  const uncached = usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens;
  if (uncached < 0) return undefined;
  let total = uncached * input + usage.outputTokens * output;
  if (usage.cacheReadTokens > 0) total += usage.cacheReadTokens * (read as number);
  if (usage.cacheWriteTokens > 0) total += usage.cacheWriteTokens * (write as number);
  return total / PER_MILLION;
}

/** The usage with its `cost` set from the price table when known; the input is not changed. */
export function withCost(providerName: string, modelName: string, usage: RequestUsage): RequestUsage {
  if (usage.cost !== undefined) return usage;
  const cost = priceOf(providerName, modelName, usage);
  return cost === undefined ? usage : { ...usage, cost };
}
