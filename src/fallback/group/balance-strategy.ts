/**
 * The four ways a balanced group orders its deployments for one call. The whole order matters, not only
 * the first choice: the engine skips a deployment whose breaker is open and moves to the next one in this
 * order when a deployment fails, so every strategy also says who comes second.
 *
 * - `weighted`: random by weight (Efraimidis–Spirakis sampling without replacement), so each deployment
 *   is first in proportion to its weight, and second among the rest in the same proportion. A deployment
 *   of weight 0 is a standby: it comes after every weighted one.
 * - `least-busy`: fewest calls in flight first; ties in a random order, so idle deployments share.
 *   In flight and latency are what this process sees: gateway workers each balance by their own counts.
 * - `latency`: power of two choices — two deployments drawn at random, the one with the lower decaying
 *   average time to first token goes first; the rest follow fastest first. Two random draws rather than
 *   the single fastest keep a whole fleet of gateways from stampeding onto one deployment.
 * - `cost`: cheapest first (a deployment with no known price goes last); ties keep the configured order.
 *
 * @example
 * balancedOrder('weighted', [{ weight: 3, ... }, { weight: 1, ... }], Math.random); // [0, 1] three times in four
 */

export type BalanceStrategy = 'weighted' | 'least-busy' | 'latency' | 'cost';

export const BALANCE_STRATEGIES: readonly BalanceStrategy[] = ['weighted', 'least-busy', 'latency', 'cost'];

/** What a strategy reads of one deployment at the moment of the call. */
export interface Candidate {
  weight: number;
  inFlight: number;
  /** Decaying average time to first token, ms (0: never measured). */
  latency: number;
  /** Nominal USD price; undefined when unknown. */
  price: number | undefined;
}

/** The order (indices into `candidates`) in which this call tries the deployments. */
export function balancedOrder(
  strategy: BalanceStrategy,
  candidates: readonly Candidate[],
  random: () => number,
): number[] {
  const order = candidates.map((_, index) => index);
  if (order.length < 2) return order;
  switch (strategy) {
    case 'weighted':
      return weightedOrder(candidates, random);
    case 'least-busy':
      shuffle(order, random);
      return order.sort((a, b) => candidates[a]!.inFlight - candidates[b]!.inFlight);
    case 'latency':
      return latencyOrder(candidates, order, random);
    case 'cost':
      return order.sort((a, b) => priceRank(candidates[a]!) - priceRank(candidates[b]!));
    default: {
      const never: never = strategy;
      throw new Error(`unknown balance strategy ${String(never)}`);
    }
  }
}

/** Each index with key u^(1/w), highest first: the first is drawn with probability w / Σw, and so on. */
function weightedOrder(candidates: readonly Candidate[], random: () => number): number[] {
  const keys = candidates.map((candidate) =>
    candidate.weight > 0 ? random() ** (1 / candidate.weight) : -1 - random(),
  );
  return candidates.map((_, index) => index).sort((a, b) => keys[b]! - keys[a]!);
}

function latencyOrder(candidates: readonly Candidate[], order: number[], random: () => number): number[] {
  const first = Math.floor(random() * order.length);
  let second = Math.floor(random() * (order.length - 1));
  if (second >= first) second++;
  const a = candidates[first]!.latency;
  const b = candidates[second]!.latency;
  const chosen = a < b || (a === b && random() < 0.5) ? first : second;
  order.sort((x, y) => candidates[x]!.latency - candidates[y]!.latency);
  order.splice(order.indexOf(chosen), 1);
  order.unshift(chosen);
  return order;
}

function priceRank(candidate: Candidate): number {
  return candidate.price ?? Number.POSITIVE_INFINITY;
}

/** Fisher–Yates, in place. */
function shuffle(order: number[], random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
}
