// Output shapes the way tfjs 4.22 computes them (computeOutputShape's helpers): window lengths,
// channels-first or -last spatial inputs, broadcasting.
import { fail, get, type Config, type Shape } from './configValues';

const UNKNOWN_SIDE = 64;

/** Elements of a shape; open dimensions count as UNKNOWN_SIDE (what planInput probes with). */
export const elements = (s: Shape): number => s.reduce<number>((a, d) => a * (d ?? UNKNOWN_SIDE), 1);

/** tfjs convOutputLength. */
export function convLength(n: number | null, k: number, padding: string, stride: number, dilation = 1): number | null {
  if (n === null) return null;
  const dk = k + (k - 1) * (dilation - 1);
  const out = padding === 'same' || padding === 'causal' ? n : n - dk + 1;
  const r = Math.floor((out + stride - 1) / stride);
  if (r < 1) fail(`its ${padding} window of ${dk} does not fit an input of ${n}`);
  return r;
}

/** tfjs deconvLength (no output padding). */
export function deconvLength(n: number | null, k: number, padding: string, stride: number): number | null {
  if (n === null) return null;
  return padding === 'valid' ? n * stride + Math.max(k - stride, 0) : n * stride;
}

const channelsFirst = (cfg: Config) => get(cfg, 'data_format') === 'channels_first';

/** Splits an N-D spatial input into [spatial dims, channels] by data_format. */
export function spatial(s: Shape, rank: number, cfg: Config, what: string): { dims: Shape; channels: number | null } {
  if (s.length !== rank + 1) fail(`${what} needs a ${rank + 2}-D input [N,…,C], got [N,${s.map((d) => d ?? '?').join(',')}]`);
  return channelsFirst(cfg) ? { dims: s.slice(1), channels: s[0] } : { dims: s.slice(0, rank), channels: s[rank] };
}

/** The inverse of spatial(). */
export function join(cfg: Config, dims: Shape, channels: number | null): Shape {
  return channelsFirst(cfg) ? [channels, ...dims] : [...dims, channels];
}

export const add = (d: number | null, n: number) => (d === null ? null : d + n);

export function broadcast(inputs: readonly Shape[]): Shape {
  const rank = Math.max(...inputs.map((s) => s.length));
  const out: Shape = [];
  for (let i = 1; i <= rank; i++) {
    let d: number | null = 1;
    for (const s of inputs) {
      const x = s.length - i >= 0 ? s[s.length - i] : 1;
      if (x === null) d = d === 1 ? null : d;
      else if (x !== 1) d = x;
    }
    out.unshift(d);
  }
  return out;
}
