// Weight layouts between TF.js and PyTorch: a general axis permutation of a C-order array, and
// the kernel conversions built from it (each named for the layouts it moves between).
import type { WeightValue } from './graph';

export interface StateTensorF32 {
  readonly dtype: 'F32';
  readonly shape: readonly number[];
  readonly data: Float32Array;
}
export interface StateTensorI64 {
  readonly dtype: 'I64';
  readonly shape: readonly number[];
  readonly data: BigInt64Array;
}
export type StateTensor = StateTensorF32 | StateTensorI64;

/** `data` of `shape` with its axes reordered: out axis i is input axis perm[i]. */
export function permuteAxes(data: Float32Array, shape: readonly number[], perm: readonly number[]): StateTensorF32 {
  const outShape = perm.map((p) => shape[p]);
  const inStrides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const stride = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < idx.length; k++) src += idx[k] * stride[k];
    out[o] = data[src];
    for (let k = idx.length - 1; k >= 0; k--) {
      if (++idx[k] < outShape[k]) break;
      idx[k] = 0;
    }
  }
  return { dtype: 'F32', shape: outShape, data: out };
}

export const f32 = (w: WeightValue): StateTensorF32 => ({ dtype: 'F32', shape: [...w.shape], data: Float32Array.from(w.data) });
export const filled = (n: number, value: number): StateTensorF32 => ({ dtype: 'F32', shape: [n], data: new Float32Array(n).fill(value) });
export const int64Scalar = (v: number): StateTensorI64 => ({ dtype: 'I64', shape: [], data: BigInt64Array.from([BigInt(v)]) });

/** Conv2D kernel [kh, kw, in, out] (HWIO) → nn.Conv2d weight [out, in, kh, kw] (OIHW). */
export const hwioToOihw = (w: WeightValue): StateTensorF32 => permuteAxes(w.data, w.shape, [3, 2, 0, 1]);

/** DepthwiseConv2D kernel [kh, kw, C, M] → grouped nn.Conv2d weight [C·M, 1, kh, kw] (channel c·M + m, TF's order). */
export function depthwiseToTorch(w: WeightValue): StateTensorF32 {
  const [kh, kw, c, m] = w.shape;
  const p = permuteAxes(w.data, w.shape, [2, 3, 0, 1]);
  return { dtype: 'F32', shape: [c * m, 1, kh, kw], data: p.data };
}

/** Conv2DTranspose kernel [kh, kw, out, in] → F.conv_transpose2d weight [in, out, kh, kw]. */
export const transposeKernelToTorch = (w: WeightValue): StateTensorF32 => permuteAxes(w.data, w.shape, [3, 2, 0, 1]);

/** Dense kernel [in, out] → nn.Linear weight [out, in]. */
export const denseToTorch = (w: WeightValue): StateTensorF32 => permuteAxes(w.data, w.shape, [1, 0]);

/** How a PyTorch tensor becomes its TF.js weight: `tf = torch.reshape(view).permute(perm)` (C order). */
export interface TorchToTf {
  readonly view: readonly number[];
  readonly perm: readonly number[];
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/**
 * The view and axis order that turn `torch` back into the TF.js array `tfShape`, where `torch`
 * holds the TF.js flat index of each of its elements (a tagged conversion); null when no reshape
 * and axis permutation does (the conversion moved values in another way, or is not of this weight).
 */
export function torchToTf(torch: Float32Array, tfShape: readonly number[]): TorchToTf | null {
  const size = tfShape.reduce((a, b) => a * b, 1);
  if (torch.length !== size) return null;
  for (const perm of permutations(tfShape.length)) {
    const view = new Array<number>(perm.length);
    perm.forEach((p, i) => (view[p] = tfShape[i]));
    const back = permuteAxes(torch, view, perm).data;
    let same = true;
    for (let i = 0; i < size && same; i++) same = back[i] === i;
    if (same) return { view, perm };
  }
  return null;
}
