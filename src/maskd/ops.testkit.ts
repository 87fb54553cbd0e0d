import * as tf from '@tensorflow/tfjs';
import { Rng } from '../data/rng';

// Test-only helpers: independent plain-JS versions of the MasKD math (loops over explicit
// channels-last indices, no tf), a seeded RNG, and a central finite-difference gradient check.

/** Deterministic uniform [0,1) generator (the scenes' mulberry32). */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.uniform();
}

export function randomArray(n: number, seed: number, lo = -1, hi = 1): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * r());
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** m[n,p,t] from F [N,P,C] and tok [T,C], both flat. */
export function jsMasks(f: number[], tok: number[], n: number, p: number, c: number, t: number): number[] {
  const out = new Array<number>(n * p * t).fill(0);
  for (let i = 0; i < n * p; i++) {
    for (let k = 0; k < t; k++) {
      let acc = 0;
      for (let ch = 0; ch < c; ch++) acc += f[i * c + ch] * tok[k * c + ch];
      out[i * t + k] = sigmoid(acc);
    }
  }
  return out;
}

/** A[n,p,c] = Σ_t w[n,t]·m[n,p,t]·F[n,p,c]. */
export function jsAggregate(
  f: number[], m: number[], w: number[] | undefined, n: number, p: number, c: number, t: number,
): number[] {
  const out = new Array<number>(n * p * c).fill(0);
  for (let b = 0; b < n; b++) {
    for (let q = 0; q < p; q++) {
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let k = 0; k < t; k++) acc += (w ? w[b * t + k] : 1) * m[(b * p + q) * t + k] * f[(b * p + q) * c + ch];
        out[(b * p + q) * c + ch] = acc;
      }
    }
  }
  return out;
}

export function jsDice(m: number[], n: number, p: number, t: number): number {
  if (t < 2) return 0;
  let total = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < t; i++) {
      for (let j = 0; j < t; j++) {
        if (i === j) continue;
        let a = 0, si = 0, sj = 0;
        for (let q = 0; q < p; q++) {
          const mi = m[(b * p + q) * t + i];
          const mj = m[(b * p + q) * t + j];
          a += mi * mj;
          si += mi * mi;
          sj += mj * mj;
        }
        total += (2 * a) / (si + 1e-12 + sj + 1e-12);
      }
    }
  }
  return total / (n * t * (t - 1));
}

export function jsDistill(
  s: number[], f: number[], m: number[], w: number[] | undefined,
  n: number, p: number, c: number, t: number, eps = 1e-5,
): number {
  let total = 0;
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < t; k++) {
      let area = 0;
      for (let q = 0; q < p; q++) area += m[(b * p + q) * t + k];
      let channelSum = 0;
      for (let ch = 0; ch < c; ch++) {
        let num = 0;
        for (let q = 0; q < p; q++) {
          const mk = m[(b * p + q) * t + k];
          const d = s[(b * p + q) * c + ch] - f[(b * p + q) * c + ch];
          num += mk * mk * d * d;
        }
        channelSum += num / (area + eps);
      }
      total += w ? w[b * t + k] * (channelSum / c) : channelSum;
    }
  }
  return w ? total / n : total / (n * t * c);
}

/** CWD: per (n,c) softmax over P with temperature tau, Σ_p KL(teacher‖student)·tau², / (N·C). */
export function jsCwd(s: number[], f: number[], n: number, p: number, c: number, tau: number): number {
  let total = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const zs = Array.from({ length: p }, (_, q) => s[(b * p + q) * c + ch] / tau);
      const zt = Array.from({ length: p }, (_, q) => f[(b * p + q) * c + ch] / tau);
      const lse = (z: number[]): number => {
        const mx = Math.max(...z);
        return mx + Math.log(z.reduce((acc, v) => acc + Math.exp(v - mx), 0));
      };
      const ls = lse(zs), lt = lse(zt);
      for (let q = 0; q < p; q++) {
        const logPt = zt[q] - lt;
        const logPs = zs[q] - ls;
        total += Math.exp(logPt) * (logPt - logPs);
      }
    }
  }
  return (total * tau * tau) / (n * c);
}

export interface GradCheckResult {
  analytic: number[][];
  numeric: number[][];
  /** Largest |analytic − numeric| / (atol + rtol·|numeric|) over all inputs; ≤ 1 passes. */
  worstRatio: number;
  maxAbsGrad: number;
}

/**
 * Central finite differences of a scalar function against tf.grads, for every element of every
 * input. Meant for tiny float32 tensors: h ~ 1e-2..1e-3.
 */
export async function gradCheck(
  fn: (...xs: tf.Tensor[]) => tf.Scalar,
  inputs: tf.Tensor[],
  { h = 1e-2, atol = 1e-3, rtol = 2e-2 }: { h?: number; atol?: number; rtol?: number } = {},
): Promise<GradCheckResult> {
  const grads = tf.grads(fn)(inputs);
  const analytic = await Promise.all(grads.map(async (g) => Array.from(await g.data())));
  tf.dispose(grads);
  const base = await Promise.all(inputs.map(async (x) => Array.from(await x.data())));
  const numeric: number[][] = [];
  let worstRatio = 0;
  let maxAbsGrad = 0;
  for (let i = 0; i < inputs.length; i++) {
    const row: number[] = [];
    for (let j = 0; j < base[i].length; j++) {
      const evalAt = async (delta: number): Promise<number> => {
        const shifted = base[i].slice();
        shifted[j] += delta;
        const args = inputs.map((x, k) => (k === i ? tf.tensor(shifted, x.shape) : x));
        const y = fn(...args);
        const v = (await y.data())[0];
        y.dispose();
        args[i].dispose();
        return v;
      };
      const g = ((await evalAt(h)) - (await evalAt(-h))) / (2 * h);
      row.push(g);
      const a = analytic[i][j];
      maxAbsGrad = Math.max(maxAbsGrad, Math.abs(a));
      worstRatio = Math.max(worstRatio, Math.abs(a - g) / (atol + rtol * Math.abs(g)));
    }
    numeric.push(row);
  }
  return { analytic, numeric, worstRatio, maxAbsGrad };
}

export async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}
