// Stage 1's optimisers and schedules against hand-worked values (PyTorch's update rules written out).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { addWeightDecay, makeOptimizer, polyLr, scheduledLr, setOptimizerLr } from './lrSchedules';

beforeAll(async () => {
  await useWasmBackend();
});

/** Steps of one variable p (from 0) on loss ½(p − 3)², gradient p − 3, with weight decay `wd`; p after each step. */
async function run(optimizer: tf.Optimizer, wd: number, steps: number, lrAt?: (k: number) => number): Promise<number[]> {
  const p = tf.variable(tf.scalar(0), true, `lr_sched_p_${Math.random().toString(36).slice(2)}`);
  const out: number[] = [];
  for (let k = 0; k < steps; k++) {
    if (lrAt) setOptimizerLr(optimizer, lrAt(k));
    const { value, grads } = tf.variableGrads(() => tf.mul(0.5, tf.square(tf.sub(p, 3))) as tf.Scalar, [p]);
    value.dispose();
    addWeightDecay(grads, [p], wd);
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    out.push((await p.data())[0]);
  }
  optimizer.dispose();
  p.dispose();
  return out;
}

describe('stage-1 schedules', () => {
  it('poly is lr·(1 − step/total)^0.9, as adjust_lr in the reference segmentation code', () => {
    expect(polyLr(0.1, 0, 100)).toBe(0.1);
    // 0.5^0.9 = 0.535886731…
    expect(polyLr(0.1, 50, 100)).toBeCloseTo(0.0535886731, 9);
    expect(polyLr(0.1, 99, 100)).toBeCloseTo(0.1 * 0.01 ** 0.9, 12);
    expect(polyLr(0.1, 100, 100)).toBe(0);
    expect(scheduledLr('poly', 0.1, 50, 100, 0.05)).toBeCloseTo(0.0535886731, 9); // no floor for poly
  });

  it('cosine anneals to min_lr (absolute, as mmcv’s CosineAnnealing)', () => {
    expect(scheduledLr('cosine', 0.01, 0, 2000, 1e-6)).toBe(0.01);
    expect(scheduledLr('cosine', 0.01, 1000, 2000, 1e-6)).toBeCloseTo((0.01 + 1e-6) / 2, 12);
    expect(scheduledLr('cosine', 0.01, 2000, 2000, 1e-6)).toBeCloseTo(1e-6, 12);
    expect(scheduledLr('cosine', 0.01, 2000, 2000)).toBe(0);
  });
});

describe('stage-1 optimisers', () => {
  it('SGD with momentum 0.9 and weight decay follows PyTorch’s SGD (d = g + wd·p; buf = 0.9·buf + d; p −= lr·buf)', async () => {
    // lr 0.1, wd 0.1, p0 = 0:
    //   step 1: d = −3,                     buf = −3,                         p = 0.3
    //   step 2: d = (0.3 − 3) + 0.03 = −2.67, buf = −2.7 − 2.67 = −5.37,        p = 0.837
    //   step 3: d = −2.163 + 0.0837 = −2.0793, buf = −4.833 − 2.0793 = −6.9123, p = 1.52823
    const withDecay = await run(makeOptimizer({ optimizer: 'sgd', lr: 0.1, momentum: 0.9 }), 0.1, 3);
    [0.3, 0.837, 1.52823].forEach((v, i) => expect(withDecay[i]).toBeCloseTo(v, 5));
    // Without decay step 2 is 0.3 + 0.1·(2.7 + 2.7) = 0.84: the decay is what made it 0.837.
    const plain = await run(makeOptimizer({ optimizer: 'sgd', lr: 0.1, momentum: 0.9 }), 0, 2);
    expect(plain[1]).toBeCloseTo(0.84, 5);
  });

  it('Adam with weight decay adds wd·p to the gradient before the moments (PyTorch’s Adam, not AdamW)', async () => {
    // lr 0.1, p0 = 0, tfjs's defaults β1 0.9, β2 0.999, ε 1e-7 (what makeOptimizer asks for):
    //   step 1: d = −3 whatever wd is (p = 0); m = −0.3, v = 0.009; m̂ = −3, v̂ = 9; p = 0.1·3/(3 + ε) = 0.1
    //   step 2, wd 1: d = (0.1 − 3) + 0.1 = −2.8; m = −0.27 − 0.28 = −0.55; v = 0.008991 + 0.00784 = 0.016831;
    //           m̂ = −0.55/0.19 = −2.894737, v̂ = 0.016831/0.001999 = 8.419710 (√ 2.901674); p = 0.1 + 0.1·0.997609 = 0.1997609
    //   step 2, wd 0: d = −2.9; m = −0.56; v = 0.017401; m̂ = −2.947368, √v̂ = 2.950399; p = 0.1 + 0.1·0.998973 = 0.1998973
    // Later steps: the same rule in the loop below (float64); AdamW would instead give 0.1898973 at step 2.
    const STEPS = 6;
    const adam = (wd: number): number[] => {
      const [lr, beta1, beta2, eps] = [0.1, 0.9, 0.999, 1e-7];
      let [p, m, v] = [0, 0, 0];
      const out: number[] = [];
      for (let t = 1; t <= STEPS; t++) {
        const d = p - 3 + wd * p;
        m = beta1 * m + (1 - beta1) * d;
        v = beta2 * v + (1 - beta2) * d * d;
        p -= (lr * (m / (1 - beta1 ** t))) / (Math.sqrt(v / (1 - beta2 ** t)) + eps);
        out.push(p);
      }
      return out;
    };
    const expectedWithDecay = adam(1), expectedPlain = adam(0);
    // The loop is the hand-worked rule above.
    expect(expectedWithDecay[0]).toBeCloseTo(0.1, 7);
    expect(expectedWithDecay[1]).toBeCloseTo(0.1997609, 7);
    expect(expectedPlain[1]).toBeCloseTo(0.1998973, 7);
    // tfjs runs in float32 and keeps β2^t as a running float32 product: 1 − f32(0.999) = 0.00099998713
    // divides v, while v was built with 1 − β2 = 0.001 taken in float64, so √v̂ comes out ~6.4e-6
    // relative too large and each step of ~0.1 falls short by ~7e-7 (measured: 0.66e-6 behind after
    // step 1, 5.8e-6 after step 6). 1e-5 covers that drift and is still 14× below the 1.4e-4 that wd 1
    // changes at step 2 (checked last).
    const TOL = 1e-5;
    const withDecay = await run(makeOptimizer({ optimizer: 'adam', lr: 0.1, momentum: 0.9 }), 1, STEPS);
    const plain = await run(makeOptimizer({ optimizer: 'adam', lr: 0.1, momentum: 0.9 }), 0, STEPS);
    withDecay.forEach((p, i) => expect(Math.abs(p - expectedWithDecay[i])).toBeLessThanOrEqual(TOL));
    plain.forEach((p, i) => expect(Math.abs(p - expectedPlain[i])).toBeLessThanOrEqual(TOL));
    expect(Math.abs(expectedWithDecay[1] - expectedPlain[1])).toBeGreaterThan(10 * TOL);
  });

  it('a learning rate set between steps is the one SGD uses, and the tensor count stays flat', async () => {
    // lr 0.1 then 0.05, no decay: p1 = 0.3; buf = −2.7 − 2.7 = −5.4; p2 = 0.3 + 0.05·5.4 = 0.57.
    const lrs = [0.1, 0.05];
    const p = await run(makeOptimizer({ optimizer: 'sgd', lr: 0.1, momentum: 0.9 }), 0, 2, (k) => lrs[k]);
    expect(p[1]).toBeCloseTo(0.57, 5);
    const opt = makeOptimizer({ optimizer: 'sgd', lr: 0.1, momentum: 0.9 });
    const n0 = tf.memory().numTensors;
    for (let k = 0; k < 20; k++) setOptimizerLr(opt, 0.1 / (k + 1));
    expect(tf.memory().numTensors).toBe(n0);
    opt.dispose();
  });
});
