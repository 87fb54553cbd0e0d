// Faster Concat, Slice, SplitV and Identity for tfjs-backend-wasm 4.22 (numeric dtypes). Its own run in JS
// with one TypedArray.set per innermost run: concatenating the segmentation head's 11 one-channel
// fine logits ([8,64,64,1] each, along the channels) made 360 448 set calls of one element
// (26 ms of a 165 ms step in Node), and its gradient, SplitV into 11 slices, copied the whole
// input out of the heap once per slice (readSync) and then made 32 768 one-element sets per
// slice (21-43 ms). Here short runs are copied element by element straight on the heap (set()
// only for runs of at least LONG_RUN elements), and the shape is first collapsed to the fewest
// axes. A copy moves the same bits either way. Identity (the engine's clone of every tensor a
// gradient saves: ~290 per training step of a demo student) copied its input into a new buffer;
// here it shares the input's buffer and counts a reference, as the backend's Reshape and the cpu
// backend's Identity do (no kernel writes into an existing buffer); so does a Cast to the dtype
// the tensor already has (the gradient of every such clone is one). Strings, and Slice's other
// callers inside the backend, keep the original kernels.
import { backend_util, Cast, Concat, Identity, Slice, slice_util, SplitV, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';

/** Runs at least this long are copied with TypedArray.set; shorter ones element by element. */
const LONG_RUN = 32;

type Numeric = Float32Array | Int32Array | Uint8Array;

/** The wasm backend's methods used here (BackendWasm, not exported as a type by 4.22). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  incRef(dataId: object): void;
  typedArrayFromHeap(t: TensorInfo): Numeric;
}

function copyRun(src: Numeric, from: number, dst: Numeric, to: number, n: number): void {
  if (n >= LONG_RUN) {
    dst.set(src.subarray(from, from + n), to);
  } else {
    for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
  }
}

/**
 * The slice x[begin : begin + size] of a tensor of `shape`, with its axes collapsed: an axis is
 * merged into the one before it when it is taken whole, and axes of size 1 in both are dropped.
 */
export function collapseSlice(shape: readonly number[], begin: readonly number[], size: readonly number[]): { shape: number[]; begin: number[]; size: number[] } {
  const s: number[] = [];
  const b: number[] = [];
  const z: number[] = [];
  shape.forEach((dim, i) => {
    if (dim === 1) return;
    const last = s.length - 1;
    if (last >= 0 && size[i] === dim) {
      // Whole axis: fold it into the previous one (begin 0 here).
      b[last] = b[last] * dim;
      z[last] = z[last] * dim;
      s[last] = s[last] * dim;
    } else {
      s.push(dim);
      b.push(begin[i]);
      z.push(size[i]);
    }
  });
  if (s.length === 0) return { shape: [1], begin: [0], size: [1] };
  return { shape: s, begin: b, size: z };
}

/** Copies the slice of `src` (of `shape`) into `dst` (contiguous, row-major). */
export function copySlice(src: Numeric, shape: readonly number[], begin: readonly number[], size: readonly number[], dst: Numeric): void {
  const c = collapseSlice(shape, begin, size);
  const rank = c.shape.length;
  const strides = new Array<number>(rank);
  let stride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= c.shape[i];
  }
  const run = c.size[rank - 1];
  if (rank === 1) {
    copyRun(src, c.begin[0], dst, 0, run);
    return;
  }
  if (rank === 2) {
    // The common case (a run of channels out of every pixel): no index bookkeeping.
    const [rows] = c.size;
    const from0 = c.begin[0] * strides[0] + c.begin[1];
    const step = strides[0];
    if (run === 1) {
      for (let r = 0; r < rows; r++) dst[r] = src[from0 + r * step];
    } else {
      for (let r = 0; r < rows; r++) copyRun(src, from0 + r * step, dst, r * run, run);
    }
    return;
  }
  let outer = 1;
  for (let a = 0; a < rank - 1; a++) outer *= c.size[a];
  const index = new Array<number>(Math.max(0, rank - 1)).fill(0);
  let to = 0;
  for (let k = 0; k < outer; k++) {
    let from = c.begin[rank - 1];
    for (let a = 0; a < rank - 1; a++) from += (c.begin[a] + index[a]) * strides[a];
    copyRun(src, from, dst, to, run);
    to += run;
    for (let a = rank - 2; a >= 0; a--) {
      if (++index[a] < c.size[a]) break;
      index[a] = 0;
    }
  }
}

/** Concatenation of 2-D blocks [outer, inner_i] along the second axis into dst [outer, Σ inner_i]. */
export function copyConcat(srcs: readonly Numeric[], inners: readonly number[], outer: number, dst: Numeric): void {
  const total = inners.reduce((a, b) => a + b, 0);
  let offset = 0;
  srcs.forEach((src, i) => {
    const inner = inners[i];
    if (inner === 1) {
      for (let b = 0; b < outer; b++) dst[b * total + offset] = src[b];
    } else {
      for (let b = 0; b < outer; b++) copyRun(src, b * inner, dst, b * total + offset, inner);
    }
    offset += inner;
  });
}

function sliceInfo(backend: WasmBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  if (util.sizeFromShape(size) === 0) return out;
  // Views after makeOutput: allocating may grow (and detach) the heap.
  copySlice(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}

export function makeSliceConfig(original: KernelConfig): KernelConfig {
  const slice = (args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: { begin: number | number[]; size: number | number[] } }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    if (inputs.x.dtype === 'string') return original.kernelFunc(args as never) as TensorInfo;
    const [begin, size] = slice_util.parseSliceParams(inputs.x as never, attrs.begin, attrs.size);
    return sliceInfo(backend, inputs.x, begin, size);
  };
  return { kernelName: Slice, backendName: 'wasm', kernelFunc: slice as unknown as KernelFunc };
}

export function makeSplitVConfig(original: KernelConfig): KernelConfig {
  const splitV = (args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: { numOrSizeSplits: number | number[]; axis: number | number[] } }): TensorInfo[] => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    if (x.dtype === 'string') return original.kernelFunc(args as never) as TensorInfo[];
    const axis = util.parseAxisParam(attrs.axis, x.shape)[0];
    const sizes = backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const out = sliceInfo(backend, x, [...begin], size);
      begin[axis] += s;
      return out;
    });
  };
  return { kernelName: SplitV, backendName: 'wasm', kernelFunc: splitV as unknown as KernelFunc };
}

export function makeConcatConfig(original: KernelConfig): KernelConfig {
  const concat = (args: { inputs: TensorInfo[]; backend: WasmBackend; attrs: { axis: number | number[] } }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const nonEmpty = inputs.filter((t) => util.sizeFromShape(t.shape) > 0);
    if (inputs.length === 0 || inputs[0].dtype === 'string' || nonEmpty.length < 2) return original.kernelFunc(args as never) as TensorInfo;
    const axis = util.parseAxisParam(attrs.axis, inputs[0].shape)[0];
    backend_util.assertParamsConsistent(inputs.map((t) => t.shape), axis);
    const outShape = backend_util.computeOutShape(inputs.map((t) => t.shape), axis);
    const out = backend.makeOutput(outShape, inputs[0].dtype);
    const outer = util.sizeFromShape(nonEmpty[0].shape.slice(0, axis));
    const inners = nonEmpty.map((t) => util.sizeFromShape(t.shape.slice(axis)));
    copyConcat(
      nonEmpty.map((t) => backend.typedArrayFromHeap(t)),
      inners,
      outer,
      backend.typedArrayFromHeap(out),
    );
    return out;
  };
  return { kernelName: Concat, backendName: 'wasm', kernelFunc: concat as unknown as KernelFunc };
}

export function makeIdentityConfig(original: KernelConfig): KernelConfig {
  const identity = (args: { inputs: { x: TensorInfo }; backend: WasmBackend }): TensorInfo => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return original.kernelFunc(args as never) as TensorInfo;
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { kernelName: Identity, backendName: 'wasm', kernelFunc: identity as unknown as KernelFunc };
}

/** Cast to the same dtype shares the buffer (as Identity); real conversions keep the original kernel. */
export function makeCastConfig(original: KernelConfig): KernelConfig {
  const cast = (args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: { dtype: string } }): TensorInfo => {
    const { x } = args.inputs;
    if (x.dtype === 'string' || x.dtype !== args.attrs.dtype) return original.kernelFunc(args as never) as TensorInfo;
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { kernelName: Cast, backendName: 'wasm', kernelFunc: cast as unknown as KernelFunc };
}
