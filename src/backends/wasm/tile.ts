// Replaces tfjs-backend-wasm's own Tile (an element-by-element index loop: 93 ms of a 270 ms
// teacher step, from BatchNorm's gradient) for float32: a tile is a broadcast once every axis is
// split into (repeat, size), so it becomes one XNNPACK broadcast Add onto zeros. Other dtypes,
// and tiles that need more than six axes after merging, use the original kernel.
import { Tile, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { KernelCalls } from './kernelCalls';

/** XNNPACK's broadcasting binary operators take at most six dimensions. */
const MAX_BROADCAST_RANK = 6;

/**
 * Output axes (repeat_i, size_i) with the input's matching shape (1, size_i); axes of size 1 are
 * dropped and neighbours of the same kind (both broadcast or both copied) merged.
 */
export function tileAsBroadcast(shape: readonly number[], reps: readonly number[]): { input: number[]; output: number[] } {
  const input: number[] = [];
  const output: number[] = [];
  const push = (inSize: number, outSize: number) => {
    if (outSize === 1) return;
    const last = input.length - 1;
    const broadcast = inSize === 1;
    if (last >= 0 && (input[last] === 1) === broadcast && (broadcast || input[last] === output[last])) {
      input[last] *= inSize;
      output[last] *= outSize;
    } else {
      input.push(inSize);
      output.push(outSize);
    }
  };
  shape.forEach((size, i) => {
    push(1, reps[i]);
    push(size, size);
  });
  return { input, output };
}

export function makeTileConfig(original: KernelConfig): KernelConfig {
  const tile = (args: { inputs: { x: TensorInfo }; backend: never; attrs: { reps: number[] } }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const plan = tileAsBroadcast(inputs.x.shape, attrs.reps);
    if (inputs.x.dtype !== 'float32' || plan.output.length > MAX_BROADCAST_RANK || plan.output.length === 0) {
      return original.kernelFunc(args as never) as TensorInfo;
    }
    const k = new KernelCalls(backend);
    const sum = k.add(k.reshape(inputs.x, plan.input), k.fill(plan.output, 0));
    return k.finish(k.reshape(sum, inputs.x.shape.map((s, i) => s * attrs.reps[i])));
  };
  return { kernelName: Tile, backendName: 'wasm', setupFunc: original.setupFunc, kernelFunc: tile as unknown as KernelFunc };
}
