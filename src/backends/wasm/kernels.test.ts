import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomArray } from '../../maskd/ops.testkit';
import { registerWasmTrainingKernels } from './register';
import { collapseSlice } from './copyKernels';
import { tileAsBroadcast } from './tile';

// Every kernel registered for wasm against the cpu backend's own kernel, run by name on the same
// random inputs: strides 1 and 2, same/valid padding, kernels 1/3/5, odd sizes, batch 1 and 8.

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

/** max |a − b| / max |b|: the error relative to the reference's scale. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

/** Runs a kernel by name on `backend`; inputs are made there from plain arrays. */
async function runOn(backend: 'cpu' | 'wasm', name: string, inputs: Record<string, { data: number[]; shape: number[] }>, attrs: object): Promise<{ values: Float32Array; shape: number[] }> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  const tensors = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
  const out = tf.engine().runKernel(name, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  const shape = out.shape;
  tf.dispose([out, ...Object.values(tensors)]);
  await tf.setBackend(previous);
  return { values, shape };
}

async function expectSameAsCpu(name: string, inputs: Record<string, { data: number[]; shape: number[] }>, attrs: object): Promise<void> {
  const cpu = await runOn('cpu', name, inputs, attrs);
  const before = tf.memory().numTensors;
  const wasm = await runOn('wasm', name, inputs, attrs);
  expect(tf.memory().numTensors).toBe(before);
  expect(wasm.shape).toEqual(cpu.shape);
  expect(relativeError(wasm.values, cpu.values)).toBeLessThan(1e-4);
  expect(Math.max(...Array.from(cpu.values, Math.abs))).toBeGreaterThan(0);
}

type Pad = 'same' | 'valid';
interface Case {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly kernel: number;
  readonly stride: number;
  readonly pad: Pad;
}

const CASES: Case[] = [];
for (const kernel of [1, 3, 5]) {
  for (const stride of [1, 2]) {
    for (const pad of ['same', 'valid'] as const) CASES.push({ batch: 1, height: 9, width: 7, kernel, stride, pad });
  }
}
CASES.push({ batch: 8, height: 16, width: 16, kernel: 5, stride: 1, pad: 'same' }, { batch: 8, height: 15, width: 13, kernel: 3, stride: 2, pad: 'same' });

/** The output shape of a convolution with these settings (the backprop kernels take dY of it). */
function outSize(length: number, c: Case): number {
  return c.pad === 'same' ? Math.ceil(length / c.stride) : Math.floor((length - c.kernel) / c.stride) + 1;
}

const label = (c: Case) => `${c.kernel}×${c.kernel}/${c.stride} ${c.pad}, ${c.batch}×${c.height}×${c.width}`;

describe('Conv2DBackpropFilter and Conv2DBackpropInput match cpu', () => {
  it.each(CASES)('$kernel×$kernel stride $stride $pad, batch $batch, $height×$width', async (c) => {
    const [inC, outC] = [3, 5];
    const dyShape = [c.batch, outSize(c.height, c), outSize(c.width, c), outC];
    const x = { data: randomArray(c.batch * c.height * c.width * inC, 1), shape: [c.batch, c.height, c.width, inC] };
    const dy = { data: randomArray(dyShape.reduce((a, b) => a * b), 2), shape: dyShape };
    const filter = { data: randomArray(c.kernel * c.kernel * inC * outC, 3), shape: [c.kernel, c.kernel, inC, outC] };
    const common = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC' };
    await expectSameAsCpu('Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: filter.shape });
    await expectSameAsCpu('Conv2DBackpropInput', { dy, filter }, { ...common, inputShape: x.shape });
  });

  it('takes NCHW data too', async () => {
    const x = { data: randomArray(2 * 3 * 7 * 5, 4), shape: [2, 3, 7, 5] };
    const dy = { data: randomArray(2 * 4 * 4 * 3, 5), shape: [2, 4, 4, 3] };
    const filter = { data: randomArray(3 * 3 * 3 * 4, 6), shape: [3, 3, 3, 4] };
    const common = { strides: [2, 2], pad: 'same', dataFormat: 'NCHW' };
    await expectSameAsCpu('Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: filter.shape });
    await expectSameAsCpu('Conv2DBackpropInput', { dy, filter }, { ...common, inputShape: x.shape });
  });
});

describe('DepthwiseConv2dNative backprop kernels match cpu', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s', async (_, c) => {
    for (const multiplier of [1, 2]) {
      const channels = 4;
      const dyShape = [c.batch, outSize(c.height, c), outSize(c.width, c), channels * multiplier];
      const x = { data: randomArray(c.batch * c.height * c.width * channels, 7), shape: [c.batch, c.height, c.width, channels] };
      const dy = { data: randomArray(dyShape.reduce((a, b) => a * b), 8), shape: dyShape };
      const filter = { data: randomArray(c.kernel * c.kernel * channels * multiplier, 9), shape: [c.kernel, c.kernel, channels, multiplier] };
      const common = { strides: [c.stride, c.stride], dilations: [1, 1], pad: c.pad };
      await expectSameAsCpu('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...common, filterShape: filter.shape });
      await expectSameAsCpu('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...common, inputShape: x.shape });
    }
  });
});

describe('Tile', () => {
  it('splits every axis into (repeat, size) and merges neighbours of one kind', () => {
    // [1,1,1,C] tiled by [N,H,W,1] is one broadcast axis of N·H·W over C.
    expect(tileAsBroadcast([1, 1, 1, 5], [2, 3, 4, 1])).toEqual({ input: [1, 5], output: [24, 5] });
    // [2,3] tiled by [2,2]: repeat 2, size 2, repeat 2, size 3.
    expect(tileAsBroadcast([2, 3], [2, 2])).toEqual({ input: [1, 2, 1, 3], output: [2, 2, 2, 3] });
    expect(tileAsBroadcast([2, 3], [1, 1])).toEqual({ input: [6], output: [6] });
  });

  it.each([
    [[1, 1, 1, 5], [2, 3, 4, 1]],
    [[2, 3], [2, 2]],
    [[3, 1, 2], [1, 4, 1]],
    [[2, 1, 3, 1, 2], [2, 3, 1, 2, 2]],
  ])('tiles %j by %j exactly as cpu', async (shape, reps) => {
    const x = { data: randomArray(shape.reduce((a, b) => a * b), 10), shape };
    const cpu = await runOn('cpu', 'Tile', { x }, { reps });
    const wasm = await runOn('wasm', 'Tile', { x }, { reps });
    expect(wasm.shape).toEqual(cpu.shape);
    expect(Array.from(wasm.values)).toEqual(Array.from(cpu.values));
  });

  it('falls back to the original kernel for int32', async () => {
    const t = tf.tile(tf.tensor1d([1, 2], 'int32'), [3]);
    expect(Array.from(await t.data())).toEqual([1, 2, 1, 2, 1, 2]);
    t.dispose();
  });
});

describe('Concat, Slice and SplitV', () => {
  type DType = 'float32' | 'int32' | 'bool';
  /** Runs a kernel by name on `backend` (every output, as plain arrays); inputs are made there. */
  async function copyOn(backend: 'cpu' | 'wasm', name: string, inputs: { data: number[]; shape: number[] }[], dtype: DType, attrs: object, named = true) {
    const previous = tf.getBackend();
    await tf.setBackend(backend);
    const tensors = inputs.map((v) => tf.tensor(v.data, v.shape, dtype));
    const result = tf.engine().runKernel(name, (named ? { x: tensors[0] } : tensors) as never, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
    const outs = Array.isArray(result) ? result : [result];
    const values = await Promise.all(outs.map(async (t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(await t.data()) })));
    tf.dispose([...outs, ...tensors]);
    await tf.setBackend(previous);
    return values;
  }
  const data = (shape: number[], dtype: DType, seed: number) =>
    randomArray(shape.reduce((a, b) => a * b, 1), seed).map((v) => (dtype === 'float32' ? v : dtype === 'int32' ? Math.round(v * 100) : v > 0 ? 1 : 0));
  const expectExact = async (name: string, inputs: { data: number[]; shape: number[] }[], dtype: DType, attrs: object, named = true) => {
    const cpu = await copyOn('cpu', name, inputs, dtype, attrs, named);
    const before = tf.memory().numTensors;
    const wasm = await copyOn('wasm', name, inputs, dtype, attrs, named);
    expect(tf.memory().numTensors).toBe(before);
    expect(wasm).toEqual(cpu);
  };

  it('collapses whole and unit axes of a slice', () => {
    expect(collapseSlice([8, 64, 64, 11], [0, 0, 0, 3], [8, 64, 64, 1])).toEqual({ shape: [32768, 11], begin: [0, 3], size: [32768, 1] });
    expect(collapseSlice([4, 5, 6], [1, 0, 0], [2, 5, 6])).toEqual({ shape: [120], begin: [30], size: [60] });
    expect(collapseSlice([1, 5, 1, 6], [0, 1, 0, 2], [1, 3, 1, 4])).toEqual({ shape: [5, 6], begin: [1, 2], size: [3, 4] });
    expect(collapseSlice([1, 1], [0, 0], [1, 1])).toEqual({ shape: [1], begin: [0], size: [1] });
  });

  it.each(['float32', 'int32', 'bool'] as const)('concatenates %s tensors along every axis exactly as cpu', async (dtype) => {
    for (const [shapes, axis] of [
      [[[2, 3, 4, 1], [2, 3, 4, 1], [2, 3, 4, 2]], 3],
      [[[2, 3, 4, 5], [2, 1, 4, 5]], 1],
      [[[2, 3, 40], [2, 3, 40]], 2],
      [[[3, 2], [1, 2], [0, 2]], 0],
      [[[2, 3, 4, 1], [2, 3, 4, 1]], -1],
    ] as [number[][], number][]) {
      await expectExact('Concat', shapes.map((shape, i) => ({ data: data(shape, dtype, 20 + i), shape })), dtype, { axis }, false);
    }
  });

  it.each(['float32', 'int32', 'bool'] as const)('slices and splits %s tensors exactly as cpu', async (dtype) => {
    const x = { data: data([3, 5, 6, 11], dtype, 30), shape: [3, 5, 6, 11] };
    for (const [begin, size] of [
      [[0, 0, 0, 3], [3, 5, 6, 1]],
      [[1, 2, 0, 0], [2, 3, 6, 11]],
      [[0, 1, 2, 4], [3, 3, 3, 7]],
      [[2, 4, 5, 10], [1, 1, 1, 1]],
      [[0, 0, 0, 0], [3, 5, 6, 11]],
      [[1, 0, 0, 0], [-1, 2, 3, 40 - 29]],
      [[0, 0, 0, 0], [0, 5, 6, 11]],
    ]) {
      await expectExact('Slice', [x], dtype, { begin, size });
    }
    await expectExact('Slice', [{ data: data([70], dtype, 31), shape: [70] }], dtype, { begin: [3], size: [60] });
    await expectExact('SplitV', [x], dtype, { numOrSizeSplits: 11, axis: 3 });
    await expectExact('SplitV', [x], dtype, { numOrSizeSplits: [1, 3, 2], axis: 2 });
    await expectExact('SplitV', [x], dtype, { numOrSizeSplits: [2, -1], axis: 0 });
  });

  it('Identity shares its input buffer: the clone outlives its source, and no buffer is left behind', async () => {
    const backend = tf.backend();
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const dataIds = (backend as unknown as { numDataIds(): number }).numDataIds();
    const y = tf.clone(x);
    expect((backend as unknown as { numDataIds(): number }).numDataIds()).toBe(dataIds);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(y.shape).toEqual([2, 3]);
    y.dispose();
    expect((backend as unknown as { numDataIds(): number }).numDataIds()).toBe(dataIds - 1);
    const strings = tf.tensor1d(['a', 'b'], 'string');
    const copy = tf.clone(strings);
    expect(await copy.data()).toEqual(['a', 'b']);
    tf.dispose([strings, copy]);
  });

  it('Cast to the same dtype shares the buffer; real conversions still convert', async () => {
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const x = tf.tensor1d([1.5, -2.5, 3]);
    const n = backend.numDataIds();
    const same = tf.cast(x, 'float32');
    expect(backend.numDataIds()).toBe(n);
    const ints = tf.cast(x, 'int32');
    x.dispose();
    expect(Array.from(await same.data())).toEqual([1.5, -2.5, 3]);
    expect(ints.dtype).toBe('int32');
    expect(Array.from(await ints.data())).toEqual([1, -2, 3]);
    tf.dispose([same, ints]);
  });

  it('gives the same gradient through a concat of one-channel maps as cpu', async () => {
    const grads = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const a = tf.tensor4d(randomArray(2 * 8 * 8, 40), [2, 8, 8, 1]);
      const b = tf.tensor4d(randomArray(2 * 8 * 8, 41), [2, 8, 8, 1]);
      const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.logSoftmax(tf.concat([p, q, q, q], -1)), tf.range(0, 2 * 8 * 8 * 4).reshape([2, 8, 8, 4]))))([a, b]);
      const out = await Promise.all(g.map((t) => t.data()));
      tf.dispose([a, b, ...g]);
      await tf.setBackend('wasm');
      return out;
    };
    const [cpu, wasm] = [await grads('cpu'), await grads('wasm')];
    cpu.forEach((ref, i) => expect(relativeError(wasm[i], ref)).toBeLessThan(1e-5));
  });
});

it('trains a conv layer stack on wasm with the same gradients as cpu', async () => {
  const grads = async (backend: 'cpu' | 'wasm') => {
    await tf.setBackend(backend);
    const x = tf.tensor4d(randomArray(2 * 9 * 9 * 3, 11), [2, 9, 9, 3]);
    const w1 = tf.tensor4d(randomArray(3 * 3 * 3 * 6, 12), [3, 3, 3, 6]);
    const w2 = tf.tensor4d(randomArray(5 * 5 * 6 * 1, 13), [5, 5, 6, 1]);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(tf.depthwiseConv2d(tf.relu(tf.conv2d(x, a as tf.Tensor4D, 2, 'same')), b as tf.Tensor4D, 1, 'same'))),
    )([w1, w2]);
    const out = await Promise.all(g.map((t) => t.data()));
    tf.dispose([x, w1, w2, ...g]);
    await tf.setBackend('wasm');
    return out;
  };
  const [cpu, wasm] = [await grads('cpu'), await grads('wasm')];
  cpu.forEach((ref, i) => expect(relativeError(wasm[i], ref)).toBeLessThan(1e-4));
});
