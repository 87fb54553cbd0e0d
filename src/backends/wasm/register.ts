// Kernels for training conv nets on tfjs-backend-wasm 4.22: the gradients it lacks, one it gets wrong (MaxPoolGrad), and faster
// versions of some it has (its Conv2DBackpropInput and Tile run outside XNNPACK; its Concat,
// Slice and SplitV copy short runs one TypedArray.set call at a time; its Identity, and its Cast to the same dtype, copy).
import { Cast, Concat, getKernel, Identity, registerKernel, Slice, SplitV, Tile, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
import { makeCastConfig, makeConcatConfig, makeIdentityConfig, makeSliceConfig, makeSplitVConfig } from './copyKernels';
import { conv2DBackpropFilterConfig } from './conv2DBackpropFilter';
import { conv2DBackpropInputConfig } from './conv2DBackpropInput';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwiseConv2dNativeBackpropInput';
import { maxPoolGradConfig } from './maxPoolGrad';
import { makeTileConfig } from './tile';
import { guardWasmAllocations } from './allocGuard';

/** The kernels 4.22 does not have. */
export const MISSING_WASM_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
];

let registered = false;

/** Registers the kernels once (and the allocation guard); a later tfjs that ships its own missing kernels keeps them. */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  // Every tensor the backend allocates is checked against the 32-bit malloc (./allocGuard.ts).
  guardWasmAllocations();
  for (const config of MISSING_WASM_KERNELS) {
    if (!getKernel(config.kernelName, 'wasm')) registerKernel(config);
  }
  replace(conv2DBackpropInputConfig);
  // 4.22's MaxPoolGrad sends all-negative windows' gradients to element 0 (./maxPoolGrad.ts).
  replace(maxPoolGradConfig);
  const tile = getKernel(Tile, 'wasm');
  if (tile) replace(makeTileConfig(tile));
  const concat = getKernel(Concat, 'wasm');
  if (concat) replace(makeConcatConfig(concat));
  const slice = getKernel(Slice, 'wasm');
  if (slice) replace(makeSliceConfig(slice));
  const splitV = getKernel(SplitV, 'wasm');
  if (splitV) replace(makeSplitVConfig(splitV));
  const identity = getKernel(Identity, 'wasm');
  if (identity) replace(makeIdentityConfig(identity));
  const cast = getKernel(Cast, 'wasm');
  if (cast) replace(makeCastConfig(cast));
}

function replace(config: KernelConfig): void {
  if (getKernel(config.kernelName, 'wasm')) unregisterKernel(config.kernelName, 'wasm');
  registerKernel(config);
}
