// The receptive tokens' file layout, as plain data: the reference code's parameter names and the
// conv-kernel reorderings between TensorFlow.js (HWIO) and PyTorch (OIHW). No tensors: the page's
// token export and import read this module; tokens.ts and tokenWeights.ts build on it.
import type { SerializedTensor } from './types';

/**
 * Parameter names of the reference PyTorch code (hunto/MasKD, `MaskModule`), so exports and
 * imports can speak its state_dict. The detection code (mmrazor) nests one module per FPN level
 * under `mask_modules.{i}.`; see `referencePrefix`.
 */
export const REFERENCE_PARAM_NAMES = {
  maskToken: 'mask_token',
  /** Token-weight branch `prob = Sequential(Conv3x3, AdaptiveAvgPool2d(1), Conv1x1)`. */
  conv3x3Weight: 'prob.0.weight',
  conv3x3Bias: 'prob.0.bias',
  conv1x1Weight: 'prob.2.weight',
  conv1x1Bias: 'prob.2.bias',
} as const;

export function referencePrefix(level: number): string {
  return `mask_modules.${level}.`;
}

/** The token-weight branch's four parameters as plain data, keyed by reference name. */
export type TokenWeightsState = Record<string, SerializedTensor>;

/** Reorders a conv kernel from tfjs HWIO [kh,kw,I,O] to PyTorch OIHW [O,I,kh,kw]. Pure. */
export function hwioToOihw(data: ArrayLike<number>, shape: readonly number[]): { data: number[]; shape: [number, number, number, number] } {
  const [kh, kw, ci, co] = checkKernel(data, shape, 'HWIO');
  const out = new Array<number>(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = data[((y * kw + x) * ci + i) * co + o];
  return { data: out, shape: [co, ci, kh, kw] };
}

/** Reorders a conv kernel from PyTorch OIHW [O,I,kh,kw] to tfjs HWIO [kh,kw,I,O]. Pure. */
export function oihwToHwio(data: ArrayLike<number>, shape: readonly number[]): { data: number[]; shape: [number, number, number, number] } {
  const [co, ci, kh, kw] = checkKernel(data, shape, 'OIHW');
  const out = new Array<number>(data.length);
  for (let o = 0; o < co; o++)
    for (let i = 0; i < ci; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((y * kw + x) * ci + i) * co + o] = data[((o * ci + i) * kh + y) * kw + x];
  return { data: out, shape: [kh, kw, ci, co] };
}

function checkKernel(data: ArrayLike<number>, shape: readonly number[], layout: string): [number, number, number, number] {
  if (shape.length !== 4 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`${layout} kernel shape must be 4 positive integers, got [${shape.join(',')}]`);
  }
  const size = shape[0] * shape[1] * shape[2] * shape[3];
  if (data.length !== size) throw new Error(`${layout} kernel [${shape.join(',')}] needs ${size} values, got ${data.length}`);
  return [shape[0], shape[1], shape[2], shape[3]];
}
