/**
 * Small deterministic random helpers for policies that need randomness (the reconnect
 * jitter), so tests can inject a reproducible source.
 */

/** A source of uniform numbers in `[0, 1)`, like `Math.random`. */
export type RandomSource = () => number;

/**
 * A seeded pseudo-random generator (mulberry32, 32-bit state): the same seed always gives
 * the same sequence of numbers in `[0, 1)`. Fast and well-spread, **not** cryptographic.
 *
 * @param seed - any number; only its low 32 bits are used
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A normally distributed number with mean `mu` and standard deviation `sigma` (Python's
 * `random.normalvariate(mu, sigma)`), by the Box-Muller transform over two draws of
 * `random`. `sigma = 0` returns `mu` after drawing.
 */
export function normalVariate(mu: number, sigma: number, random: RandomSource): number {
  const u1 = 1 - random(); // in (0, 1], so the logarithm is finite
  const u2 = random();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return mu + z * sigma;
}
