import { describe, expect, test } from 'vitest';
import { balancedOrder, type Candidate } from '../../../src/fallback/group/balance-strategy.ts';
import { DeploymentStats } from '../../../src/fallback/group/deployment-stats.ts';
import { seededRandom } from '../../../src/fallback/group/seeded-random.ts';

const candidate = (partial: Partial<Candidate>): Candidate => ({
  weight: 1,
  inFlight: 0,
  latency: 0,
  price: undefined,
  ...partial,
});

/** How often each index comes first over `draws` orders. */
function firstCounts(strategy: Parameters<typeof balancedOrder>[0], candidates: Candidate[], draws: number) {
  const random = seededRandom(123);
  const counts = candidates.map(() => 0);
  for (let i = 0; i < draws; i++) counts[balancedOrder(strategy, candidates, random)[0]!]!++;
  return counts;
}

describe('balancedOrder', () => {
  test('every order holds every deployment once', () => {
    const random = seededRandom(1);
    const candidates = [candidate({}), candidate({ weight: 5 }), candidate({ weight: 0 }), candidate({})];
    for (const strategy of ['weighted', 'least-busy', 'latency', 'cost'] as const) {
      for (let i = 0; i < 50; i++) {
        expect(balancedOrder(strategy, candidates, random).sort()).toEqual([0, 1, 2, 3]);
      }
    }
  });

  test('weighted: first in proportion to weight (1:2:7 over 10,000 draws, ±2%), weight 0 always last', () => {
    const counts = firstCounts(
      'weighted',
      [
        candidate({ weight: 1 }),
        candidate({ weight: 2 }),
        candidate({ weight: 7 }),
        candidate({ weight: 0 }),
      ],
      10_000,
    );
    expect(Math.abs(counts[0]! / 10_000 - 0.1)).toBeLessThan(0.02);
    expect(Math.abs(counts[1]! / 10_000 - 0.2)).toBeLessThan(0.02);
    expect(Math.abs(counts[2]! / 10_000 - 0.7)).toBeLessThan(0.02);
    expect(counts[3]).toBe(0);
    const random = seededRandom(5);
    for (let i = 0; i < 100; i++) {
      expect(balancedOrder('weighted', [candidate({ weight: 0 }), candidate({ weight: 1 })], random)).toEqual(
        [1, 0],
      );
    }
  });

  test('least-busy: fewest in flight first; ties shared', () => {
    const random = seededRandom(2);
    const busy = [candidate({ inFlight: 4 }), candidate({ inFlight: 1 }), candidate({ inFlight: 2 })];
    expect(balancedOrder('least-busy', busy, random)).toEqual([1, 2, 0]);
    const counts = firstCounts('least-busy', [candidate({}), candidate({})], 1000);
    expect(counts[0]).toBeGreaterThan(400);
    expect(counts[1]).toBeGreaterThan(400);
  });

  test('latency: of two drawn at random the faster goes first; the slowest of three is never first', () => {
    const counts = firstCounts(
      'latency',
      [candidate({ latency: 100 }), candidate({ latency: 300 }), candidate({ latency: 900 })],
      3000,
    );
    expect(counts[2]).toBe(0);
    // The fastest wins whenever it is drawn (two pairs in three), the middle one otherwise.
    expect(Math.abs(counts[0]! / 3000 - 2 / 3)).toBeLessThan(0.03);
    const random = seededRandom(3);
    const order = balancedOrder(
      'latency',
      [candidate({ latency: 50 }), candidate({ latency: 10 }), candidate({ latency: 30 })],
      random,
    );
    expect(order.slice(1)).toEqual([...order.slice(1)].sort((a, b) => [50, 10, 30][a]! - [50, 10, 30][b]!));
  });

  test('cost: cheapest first, unknown prices last, ties in the given order', () => {
    const random = seededRandom(4);
    const priced = [
      candidate({ price: undefined }),
      candidate({ price: 12.5 }),
      candidate({ price: 0.6 }),
      candidate({ price: 12.5 }),
    ];
    expect(balancedOrder('cost', priced, random)).toEqual([2, 1, 3, 0]);
  });
});

describe('DeploymentStats', () => {
  test('a decaying average: halves every half-life with no sample, blends new samples by alpha', () => {
    const stats = new DeploymentStats({ halfLifeMs: 1000, alpha: 0.5 });
    expect(stats.latency(0)).toBe(0);
    stats.sample(400, 0);
    expect(stats.latency(0)).toBe(400);
    expect(stats.latency(1000)).toBe(200);
    expect(stats.latency(2000)).toBe(100);
    stats.sample(300, 1000); // 200 decayed, then half-way to 300
    expect(stats.latency(1000)).toBe(250);
  });
});
