/**
 * A seeded uniform random source (mulberry32) for a group's `random`: the same seed draws the same
 * sequence, so a group's choices can be replayed — a test checks a distribution against its tolerance
 * and cannot flake, a demo shows the same spread on every run. Not for anything secret.
 *
 * @example
 * new ModelGroup(deployments, { strategy: 'weighted', random: seededRandom(42) });
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
