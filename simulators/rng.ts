// A small seeded pseudo-random generator for the simulators: the same seed gives the same
// sequence on every machine, so a simulated storm can be replayed and tested exactly.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Normally distributed (Box–Muller). */
  normal(mean: number, sd: number): number;
}

/**
 * mulberry32 (Tommy Ettinger): a 32-bit state, good enough statistically for simulation noise,
 * not for cryptography. The seed is taken as an unsigned 32-bit integer.
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (mean: number, sd: number): number => {
    const u1 = 1 - next(); // (0, 1]: keeps log() finite
    const u2 = next();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  return { next, normal };
}

/**
 * A seed for one named stream derived from a parent seed (FNV-1a over the label, then a
 * murmur3 finaliser), so each station gets its own sequence and adding a station does not
 * change the numbers any other station draws.
 */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
