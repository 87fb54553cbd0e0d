import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { LIMITS } from '../../limits';
import { BackendAllocationError } from './allocGuard';
import { useWasmBackend } from './node';

beforeAll(async () => {
  await useWasmBackend();
});

/** A tensor of known values in the heap, and whether they are still there bit for bit. */
async function sentinel(): Promise<{ check: () => Promise<boolean>; dispose: () => void }> {
  const values = Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i) * 1e3);
  const t = tf.tensor1d(values);
  return {
    check: async () => {
      const now = (await t.data()) as Float32Array;
      return now.every((v, i) => Object.is(v, values[i]));
    },
    dispose: () => t.dispose(),
  };
}

it('refuses every tensor of 2^31 bytes or more, whatever its shape and kernel, before writing anything', async () => {
  const kept = await sentinel();
  const before = tf.memory().numTensors;
  // Shapes whose float32 bytes are ≥ 2^31 (2^32 and more wrap in the 32-bit malloc), made by
  // kernels that allocate their output on the heap: Fill, and a broadcasting Add of two small inputs.
  const big = fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1 << 14, max: 1 << 17 }), fc.integer({ min: 1 << 14, max: 1 << 16 }), fc.integer({ min: 1, max: 4 }))
    .filter(([n, h, w, c]) => n * h * w * c * 4 >= LIMITS.backendTensorBytes.value);
  fc.assert(
    fc.property(big, fc.boolean(), ([n, h, w, c], viaAdd) => {
      let err: unknown = null;
      try {
        if (viaAdd) tf.tidy(() => tf.add(tf.zeros([n, h, 1, c]), tf.zeros([1, 1, w, 1])));
        else tf.fill([n, h, w, c], 1).dispose();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BackendAllocationError);
      expect((err as Error).message.length).toBeLessThan(300);
      expect((err as Error).message).toMatch(/over the 2 GiB \(2³¹ bytes\) limit .* nothing was allocated/);
    }),
    { numRuns: 20 },
  );
  expect(tf.memory().numTensors).toBe(before);
  expect(await kept.check()).toBe(true);
  // The backend still computes: a conv after the refusals.
  const y = tf.tidy(() => tf.sum(tf.conv2d(tf.ones([1, 8, 8, 3]) as tf.Tensor4D, tf.ones([3, 3, 3, 4]) as tf.Tensor4D, 1, 'same')));
  // Each output pixel sums 3 channels over its in-image 3×3 neighbours (9 inside, 6 on an edge, 4 in a corner), for 4 filters.
  expect((await y.data())[0]).toBe(4 * 3 * (36 * 9 + 24 * 6 + 4 * 4));
  y.dispose();
  kept.dispose();
});
