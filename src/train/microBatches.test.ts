import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { batchGradients } from './microBatches';

// Hand-worked: images a = [1, 2, 6], one variable x = 2, loss over a part = mean over its images
// of (x − a)²; row = [loss]. Whole batch: loss = (1 + 0 + 16) / 3 = 17/3, dL/dx = 2·mean(x − a)
// = 2·(1 + 0 − 4)/3 = −2, squared gradient norm 4.
describe('batchGradients', () => {
  const a = [1, 2, 6];
  const lossOf = (x: tf.Variable) => (from: number, count: number) => {
    const part = tf.tensor1d(a.slice(from, from + count));
    const total = tf.mean(tf.square(tf.sub(x, part))) as tf.Scalar;
    return { total, row: tf.reshape(total, [1]) };
  };

  for (const m of [3, 2, 1]) {
    it(`in parts of ${m}: the whole batch's mean loss, gradient and squared norm; nothing left behind`, async () => {
      const x = tf.variable(tf.scalar(2));
      const before = tf.memory().numTensors;
      const parts: number[] = [];
      const { grads, stats } = batchGradients(3, m, [x], lossOf(x), (done) => parts.push(done));
      const [loss, norm] = Array.from(await stats.data());
      expect(loss).toBeCloseTo(17 / 3, 5);
      expect(norm).toBeCloseTo(4, 5);
      expect(Array.from(await grads[x.name].data())[0]).toBeCloseTo(-2, 5);
      expect(parts).toEqual(m === 3 ? [] : m === 2 ? [2, 3] : [1, 2, 3]);
      tf.dispose([stats, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    });
  }

  it('a part that throws leaves no tensor behind', () => {
    const x = tf.variable(tf.scalar(2));
    const before = tf.memory().numTensors;
    const failing = (from: number, count: number) => {
      if (from > 0) throw new Error('bad part');
      return lossOf(x)(from, count);
    };
    expect(() => batchGradients(3, 1, [x], failing)).toThrow('bad part');
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
