// MaxPoolGrad on wasm against the cpu backend: tfjs-backend-wasm 4.22's own kernel sent the
// gradient of every window whose values are all ≤ 1.2e-38 (negative inputs, or ReLU's zeros) to
// the tensor's first element; ./maxPoolGrad.ts replaces it. Checked by name on inputs with
// all-negative and all-zero windows, and as a kernel's gradient through conv → max pool.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from './register';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

/** Values around `shift` (negative: every window all negative), distinct so there are no ties. */
const values = (n: number, shift: number) => Float32Array.from({ length: n }, (_, i) => shift + Math.sin(i * 3.7) * 0.5);

async function on<T>(backend: 'cpu' | 'wasm', f: () => T): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    return f();
  } finally {
    await tf.setBackend(previous);
  }
}

const CASES = [
  { shape: [2, 16, 16, 12], filter: 3, stride: 2, pad: 'valid' as const },
  { shape: [2, 16, 16, 12], filter: 2, stride: 2, pad: 'valid' as const },
  { shape: [1, 17, 15, 3], filter: 3, stride: 2, pad: 'same' as const },
  { shape: [1, 9, 9, 5], filter: 3, stride: 1, pad: 1 },
];

describe('MaxPoolGrad on wasm', () => {
  for (const c of CASES) {
    for (const shift of [-2, 0, 1]) {
      it(`matches cpu: ${c.filter}×${c.filter}/${c.stride} ${c.pad} on [${c.shape.join(',')}], inputs around ${shift}`, async () => {
        const x = values(c.shape.reduce((a, b) => a * b), shift);
        const run = () => tf.tidy(() => {
          const input = tf.tensor4d(x, c.shape as [number, number, number, number]);
          const y = tf.maxPool(input, c.filter, c.stride, c.pad);
          const dy = tf.tensor(values(y.size, 0.3), y.shape);
          return tf.engine().runKernel('MaxPoolGrad', { dy, input, output: y }, { filterSize: c.filter, strides: c.stride, pad: c.pad }) as tf.Tensor;
        });
        const cpu = await on('cpu', () => { const t = run(); const v = t.dataSync().slice(); t.dispose(); return v; });
        const before = tf.memory().numTensors;
        const dx = run();
        const wasm = dx.dataSync();
        dx.dispose();
        expect(tf.memory().numTensors).toBe(before);
        expect(relativeError(wasm, cpu)).toBeLessThan(1e-6);
      });
    }
  }

  it('gives the gradient of conv → max pool that cpu gives (negative feature maps)', async () => {
    const x = values(2 * 12 * 12 * 3, -0.2);
    const w = values(3 * 3 * 3 * 8, 0);
    const grads = () => tf.tidy(() => {
      const filter = tf.tensor4d(w, [3, 3, 3, 8]);
      const g = tf.grad((f: tf.Tensor) => {
        const y = tf.maxPool(tf.sub<tf.Tensor4D>(tf.conv2d(tf.tensor4d(x, [2, 12, 12, 3]), f as tf.Tensor4D, 1, 'same'), 3), 2, 2, 'valid');
        return tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))));
      })(filter);
      return g.dataSync().slice();
    });
    const cpu = await on('cpu', grads);
    const wasm = grads();
    expect(relativeError(wasm, cpu)).toBeLessThan(1e-5);
  });
});
