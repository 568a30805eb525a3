/** Seedable random numbers, so sampling and initialisation are reproducible. */
export type Rng = () => number;

/**
 * A generator whose draws can be made elsewhere: `skip(n)` returns its state and moves on by n draws, so that
 * code holding the state (a GPU shader) can produce those n values itself (mulberry32Output).
 */
export interface SkippableRng extends Rng {
  skip(n: number): number;
}

const MULBERRY_STEP = 0x6d2b79f5;

/** mulberry32's draw number `i` (0-based) from state `a`, as the 32-bit integer before scaling to [0, 1). */
export function mulberry32Output(a: number, i: number): number {
  let t = (a + Math.imul(i + 1, MULBERRY_STEP)) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/**
 * mulberry32: a small, fast 32-bit generator with uniform output in [0, 1). Its state moves by a constant per
 * draw, so draw n is a function of the state and n alone: skipping ahead is one multiply.
 */
export function mulberry32(seed: number): SkippableRng {
  let a = seed >>> 0;
  const rng = () => {
    a = (a + MULBERRY_STEP) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.assign(rng, {
    skip(n: number): number {
      const before = a;
      a = (a + Math.imul(n, MULBERRY_STEP)) >>> 0;
      return before;
    },
  });
}

/** A seed drawn from the clock when the user gives none. */
export function randomSeed(): number {
  return (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
}

export function gaussian(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
