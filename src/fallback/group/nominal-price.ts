/**
 * The one price the `cost` strategy compares: what a deployment charges for a million input and a million
 * output tokens, from the price table. A single figure rather than the two rates, so that a cheap-input,
 * dear-output model and its opposite are ranked by what a typical call costs.
 *
 * @example
 * nominalPrice('openai', 'gpt-4o'); // 12.5 (2.50 + 10.00 USD)
 */
import { emptyUsage } from '../../core/usage.ts';
import { priceOf } from '../pricing/price.ts';

const NOMINAL_USAGE = { ...emptyUsage(), inputTokens: 1_000_000, outputTokens: 1_000_000 };

/** USD for a million tokens in and a million out; undefined when the price table does not know the model. */
export function nominalPrice(providerName: string, modelName: string): number | undefined {
  return priceOf(providerName, modelName, NOMINAL_USAGE);
}
