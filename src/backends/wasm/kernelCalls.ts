// Composite kernels on the wasm backend call other wasm kernels' kernelFuncs directly with
// {inputs, backend, attrs}, as the backends' own composite kernels do: wrapping TensorInfos into
// tf.Tensors inside a kernel breaks the engine during gradient computation (see WASM-NOTES.md).
import { getKernel, type KernelBackend, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';

type Inputs = Record<string, TensorInfo> | TensorInfo[];

/**
 * Runs wasm kernels and remembers every output, so that a composite kernel can dispose all its
 * intermediates in one call and hand back only its result.
 */
export class KernelCalls {
  private readonly made: TensorInfo[] = [];

  constructor(readonly backend: KernelBackend) {}

  run(kernelName: string, inputs: Inputs, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(kernelName, 'wasm');
    if (!kernel) throw new Error(`the wasm backend has no ${kernelName} kernel`);
    const out = kernel.kernelFunc({ inputs: inputs as never, backend: this.backend, attrs }) as TensorInfo;
    this.made.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** x[begin : begin + (count−1)·stride + 1 : stride] on every axis. */
  stridedSlice(x: TensorInfo, begin: number[], counts: number[], strides: number[]): TensorInfo {
    const end = begin.map((b, i) => b + (counts[i] - 1) * strides[i] + 1);
    return this.run('StridedSlice', { x }, { begin, end, strides, beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 });
  }

  pad(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  concat(xs: TensorInfo[], axis: number): TensorInfo {
    return this.run('Concat', xs, { axis });
  }

  matMul(a: TensorInfo, b: TensorInfo, transposeA = false, transposeB = false): TensorInfo {
    return this.run('BatchMatMul', { a, b }, { transposeA, transposeB });
  }

  multiply(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run('Multiply', { a, b });
  }

  add(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run('Add', { a, b });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.run('Reverse', { x }, { dims });
  }

  fill(shape: number[], value: number): TensorInfo {
    return this.run('Fill', {}, { shape, value, dtype: 'float32' });
  }

  /** Disposes every intermediate made here except `result`, which is returned. */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.made) if (t !== result) this.backend.disposeData(t.dataId);
    this.made.length = 0;
    return result;
  }
}
