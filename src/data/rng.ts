// Seeded RNG that gives the same numbers in every JS engine: only 32-bit integer math
// (Math.imul, shifts) and IEEE-exact double operations (+ − × ÷ sqrt, floor). No Math.random,
// and no Math.log/exp/sin/cos, whose last bits the spec leaves to the engine.

/** mulberry32 generator with helpers. State is one uint32, so it is trivially saved and resumed. */
export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Next uint32 in [0, 2^32). */
  nextU32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [lo, hi) (default [0, 1)); a multiple of 2^-32 scaled, exact in doubles. */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * (this.nextU32() / 4294967296);
  }

  /** Integer uniform in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor((this.nextU32() / 4294967296) * (hi - lo + 1));
  }

  /** Normal(mean, std) by Marsaglia's polar method with a deterministic logarithm. */
  normal(mean = 0, std = 1): number {
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return mean + std * u * Math.sqrt((-2 * detLog(s)) / s);
    }
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[this.int(0, items.length - 1)];
  }

  get state(): number {
    return this.s;
  }

  set state(value: number) {
    this.s = value >>> 0;
  }
}

/** Hashes (seed, index) to a well-spread uint32 seed, so item `index` of a stream can be made alone. */
export function mixSeed(seed: number, index: number): number {
  let h = (seed >>> 0) ^ Math.imul(index >>> 0, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;

/** Natural log from exact operations only (range reduction by powers of two + atanh series). */
export function detLog(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new Error(`detLog: expected a finite x > 0, got ${x}`);
  let e = 0;
  let m = x;
  while (m >= 2) {
    m /= 2;
    e++;
  }
  while (m < 1) {
    m *= 2;
    e--;
  }
  if (m > SQRT2) {
    m /= 2;
    e++;
  }
  const t = (m - 1) / (m + 1);
  const t2 = t * t;
  // |t| ≤ 0.172, so 12 odd terms reach double precision.
  let term = t;
  let sum = 0;
  for (let k = 1; k <= 23; k += 2) {
    sum += term / k;
    term *= t2;
  }
  return 2 * sum + e * LN2;
}
