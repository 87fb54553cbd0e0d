import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  diceDiversity, maskedAggregate, maskedDistillLoss, maskedDistillLossNaive, receptiveMasks, stopGradient,
} from './ops';
import { gradCheck, jsAggregate, jsDice, jsDistill, jsMasks, randomArray, values } from './ops.testkit';

// Top-level, so tensors built while collecting describe blocks are on cpu too.
await tf.setBackend('cpu');

const f4 = (data: number[], shape: [number, number, number, number]): tf.Tensor4D => tf.tensor4d(data, shape);

function expectClose(actual: number[], expected: number[], tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i]))));
}

describe('receptiveMasks', () => {
  it('is sigmoid of feature·token per pixel (hand-checked)', async () => {
    // one image, 1×2 pixels, C=2; token 0 = [1,0], token 1 = [0,-1]
    const features = f4([1, 2, -3, 0.5], [1, 1, 2, 2]);
    const tokens = tf.tensor2d([1, 0, 0, -1], [2, 2]);
    const m = receptiveMasks(features, tokens);
    expect(m.shape).toEqual([1, 1, 2, 2]);
    // sigmoid(1), sigmoid(-2), sigmoid(-3), sigmoid(-0.5)
    expectClose(await values(m), [0.7310586, 0.1192029, 0.0474259, 0.3775407]);
    tf.dispose([features, tokens, m]);
  });

  it('matches the plain-JS loop on a random case', async () => {
    const [n, h, w, c, t] = [2, 3, 2, 5, 3];
    const fd = randomArray(n * h * w * c, 1), td = randomArray(t * c, 2);
    const m = receptiveMasks(f4(fd, [n, h, w, c]), tf.tensor2d(td, [t, c]));
    expectClose(await values(m), jsMasks(fd, td, n, h * w, c, t));
  });

  it('has finite-difference gradients for features and tokens', async () => {
    const [n, h, w, c, t] = [1, 2, 2, 3, 2];
    const r = tf.tensor4d(randomArray(n * h * w * t, 3), [n, h, w, t]);
    const res = await gradCheck(
      (f, tok) => tf.sum(tf.mul(receptiveMasks(f as tf.Tensor4D, tok as tf.Tensor2D), r)),
      [f4(randomArray(n * h * w * c, 4), [n, h, w, c]), tf.tensor2d(randomArray(t * c, 5), [t, c])],
    );
    expect(res.maxAbsGrad).toBeGreaterThan(0.05);
    expect(res.worstRatio).toBeLessThanOrEqual(1);
  });
});

describe('maskedAggregate', () => {
  it('sums masks times features over tokens (hand-checked)', async () => {
    // one pixel, C=2, F=[2,-1]; masks [0.5, 0.25]; weights [0.2, 0.8]
    const f = f4([2, -1], [1, 1, 1, 2]);
    const m = f4([0.5, 0.25], [1, 1, 1, 2]);
    expectClose(await values(maskedAggregate(f, m)), [1.5, -0.75]);
    // Σ_t w·m = 0.1 + 0.2 = 0.3
    expectClose(await values(maskedAggregate(f, m, tf.tensor2d([0.2, 0.8], [1, 2]))), [0.6, -0.3]);
  });

  it('matches the plain-JS loop with and without weights', async () => {
    const [n, h, w, c, t] = [2, 2, 3, 4, 3];
    const fd = randomArray(n * h * w * c, 6), md = randomArray(n * h * w * t, 7, 0, 1), wd = randomArray(n * t, 8, 0, 1);
    const f = f4(fd, [n, h, w, c]), m = f4(md, [n, h, w, t]);
    expectClose(await values(maskedAggregate(f, m)), jsAggregate(fd, md, undefined, n, h * w, c, t));
    expectClose(await values(maskedAggregate(f, m, tf.tensor2d(wd, [n, t]))), jsAggregate(fd, md, wd, n, h * w, c, t));
  });

  it('has finite-difference gradients for features, masks and weights', async () => {
    const [n, h, w, c, t] = [2, 1, 2, 2, 2];
    const r = f4(randomArray(n * h * w * c, 9), [n, h, w, c]);
    const res = await gradCheck(
      (f, m, wt) => tf.sum(tf.mul(maskedAggregate(f as tf.Tensor4D, m as tf.Tensor4D, wt as tf.Tensor2D), r)),
      [
        f4(randomArray(n * h * w * c, 10), [n, h, w, c]),
        f4(randomArray(n * h * w * t, 11, 0, 1), [n, h, w, t]),
        tf.tensor2d(randomArray(n * t, 12, 0, 1), [n, t]),
      ],
    );
    expect(res.maxAbsGrad).toBeGreaterThan(0.05);
    expect(res.worstRatio).toBeLessThanOrEqual(1);
  });
});

describe('diceDiversity', () => {
  const dice = async (data: number[], t: number): Promise<number> =>
    (await values(diceDiversity(f4(data, [1, 1, data.length / t, t]))))[0];

  it('is 0 for disjoint masks, 1 for identical ones, 0.8 for a hand case', async () => {
    // pixels are rows: [m0, m1]
    expect(await dice([1, 0, 0, 1], 2)).toBeCloseTo(0, 6);
    expect(await dice([1, 1, 1, 1], 2)).toBeCloseTo(1, 6);
    // m0 = [1, 0.5], m1 = [0.5, 1]: 2·1 / (1.25 + 1.25) = 0.8
    expect(await dice([1, 0.5, 0.5, 1], 2)).toBeCloseTo(0.8, 6);
  });

  it('is 0 for a single token and still differentiable', async () => {
    const m = f4([0.3, 0.7, 0.1], [1, 1, 3, 1]);
    expect(await dice([0.3, 0.7, 0.1], 1)).toBe(0);
    const g = tf.grad((x) => diceDiversity(x as tf.Tensor4D))(m);
    expect(await values(g)).toEqual([0, 0, 0]);
  });

  it('averages over images and ordered pairs like the plain-JS loop', async () => {
    const [n, h, w, t] = [3, 2, 3, 4];
    const md = randomArray(n * h * w * t, 13, 0, 1);
    const got = (await values(diceDiversity(f4(md, [n, h, w, t]))))[0];
    expect(got).toBeCloseTo(jsDice(md, n, h * w, t), 5);
  });

  it('has finite-difference gradients', async () => {
    const [n, h, w, t] = [2, 2, 2, 3];
    const res = await gradCheck((m) => diceDiversity(m as tf.Tensor4D), [f4(randomArray(n * h * w * t, 14, 0.05, 1), [n, h, w, t])], {
      h: 1e-3,
    });
    expect(res.maxAbsGrad).toBeGreaterThan(0.01);
    expect(res.worstRatio).toBeLessThanOrEqual(1);
  });
});

describe('maskedDistillLoss', () => {
  it('matches a hand-computed single-token case', async () => {
    // P=2, C=1: S=[1,3], F=[0,1], m=[0.5,1] → (0.25·1 + 1·4) / (1.5 + 1e-5)
    const s = f4([1, 3], [1, 1, 2, 1]), f = f4([0, 1], [1, 1, 2, 1]), m = f4([0.5, 1], [1, 1, 2, 1]);
    const expected = 4.25 / 1.50001;
    expect((await values(maskedDistillLoss(s, f, m)))[0]).toBeCloseTo(expected, 5);
    expect((await values(maskedDistillLoss(s, f, m, { eps: 0 })))[0]).toBeCloseTo(4.25 / 1.5, 5);
  });

  it('weights tokens per image (hand-checked)', async () => {
    // P=2, C=1, T=2: token 0 = [1,0] → 1/1 = 1 (D²=[1,4]); token 1 = [0,1] → 4/1 = 4
    const s = f4([1, 3], [1, 1, 2, 1]), f = f4([0, 1], [1, 1, 2, 1]);
    const m = f4([1, 0, 0, 1], [1, 1, 2, 2]);
    const eps = 1e-5;
    const l0 = 1 / (1 + eps), l1 = 4 / (1 + eps);
    expect((await values(maskedDistillLoss(s, f, m)))[0]).toBeCloseTo((l0 + l1) / 2, 5);
    const weights = tf.tensor2d([0.25, 0.75], [1, 2]);
    expect((await values(maskedDistillLoss(s, f, m, { weights })))[0]).toBeCloseTo(0.25 * l0 + 0.75 * l1, 5);
  });

  it('matches the plain-JS loop and the naive formulation, with and without weights', async () => {
    const [n, h, w, c, t] = [2, 3, 2, 4, 3];
    const sd = randomArray(n * h * w * c, 15), fd = randomArray(n * h * w * c, 16);
    const md = randomArray(n * h * w * t, 17, 0, 1), wd = randomArray(n * t, 18, 0, 1);
    const s = f4(sd, [n, h, w, c]), f = f4(fd, [n, h, w, c]), m = f4(md, [n, h, w, t]);
    const weights = tf.tensor2d(wd, [n, t]);
    for (const opts of [{}, { weights }, { weights, eps: 0.5 }]) {
      const expected = jsDistill(sd, fd, md, opts.weights ? wd : undefined, n, h * w, c, t, 'eps' in opts ? opts.eps : 1e-5);
      const best = (await values(maskedDistillLoss(s, f, m, opts)))[0];
      const naive = (await values(maskedDistillLossNaive(s, f, m, opts)))[0];
      expect(best).toBeCloseTo(expected, 5);
      expect(naive).toBeCloseTo(expected, 5);
    }
  });

  it('best and naive formulations have the same gradients', async () => {
    const [n, h, w, c, t] = [2, 2, 3, 3, 2];
    const inputs = [
      f4(randomArray(n * h * w * c, 19), [n, h, w, c]),
      f4(randomArray(n * h * w * c, 20), [n, h, w, c]),
      f4(randomArray(n * h * w * t, 21, 0, 1), [n, h, w, t]),
      tf.tensor2d(randomArray(n * t, 22, 0, 1), [n, t]),
    ];
    const call = (impl: typeof maskedDistillLoss) => (...xs: tf.Tensor[]) =>
      impl(xs[0] as tf.Tensor4D, xs[1] as tf.Tensor4D, xs[2] as tf.Tensor4D, { weights: xs[3] as tf.Tensor2D });
    const gBest = tf.grads(call(maskedDistillLoss))(inputs);
    const gNaive = tf.grads(call(maskedDistillLossNaive))(inputs);
    for (let i = 0; i < inputs.length; i++) expectClose(await values(gBest[i]), await values(gNaive[i]), 1e-5);
  });

  it('has finite-difference gradients for student, teacher, masks and weights', async () => {
    const [n, h, w, c, t] = [2, 2, 2, 2, 2];
    const res = await gradCheck(
      (s, f, m, wt) =>
        maskedDistillLoss(s as tf.Tensor4D, f as tf.Tensor4D, m as tf.Tensor4D, { weights: wt as tf.Tensor2D }),
      [
        f4(randomArray(n * h * w * c, 23), [n, h, w, c]),
        f4(randomArray(n * h * w * c, 24), [n, h, w, c]),
        f4(randomArray(n * h * w * t, 25, 0.1, 1), [n, h, w, t]),
        tf.tensor2d(randomArray(n * t, 26, 0, 1), [n, t]),
      ],
      { h: 1e-3 },
    );
    expect(res.maxAbsGrad).toBeGreaterThan(0.05);
    expect(res.worstRatio).toBeLessThanOrEqual(1);
  });

  it('finite differences also hold without weights', async () => {
    const [n, h, w, c, t] = [1, 2, 3, 2, 3];
    const res = await gradCheck(
      (s, f, m) => maskedDistillLoss(s as tf.Tensor4D, f as tf.Tensor4D, m as tf.Tensor4D),
      [
        f4(randomArray(n * h * w * c, 27), [n, h, w, c]),
        f4(randomArray(n * h * w * c, 28), [n, h, w, c]),
        f4(randomArray(n * h * w * t, 29, 0.1, 1), [n, h, w, t]),
      ],
      { h: 1e-3 },
    );
    expect(res.maxAbsGrad).toBeGreaterThan(0.05);
    expect(res.worstRatio).toBeLessThanOrEqual(1);
  });
});

describe('stopGradient', () => {
  it('passes values and blocks gradients', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((v) => tf.sum(tf.add(tf.mul(v, 2), tf.square(stopGradient(v)))))(x);
    expect(await values(stopGradient(x))).toEqual([1, 2, 3]);
    expect(await values(g)).toEqual([2, 2, 2]);
  });
});

describe('shape validation', () => {
  const feat = tf.zeros([2, 3, 4, 5]) as tf.Tensor4D;
  const masks = tf.zeros([2, 3, 4, 6]) as tf.Tensor4D;

  it('rejects a rank other than 4', () => {
    expect(() => receptiveMasks(tf.zeros([3, 4, 5]) as unknown as tf.Tensor4D, tf.zeros([2, 5]) as tf.Tensor2D))
      .toThrow(/features must be a rank-4 tensor \[N,H,W,C\].*got rank 3/);
    expect(() => diceDiversity(tf.zeros([2, 3, 4]) as unknown as tf.Tensor4D)).toThrow(/masks must be a rank-4 tensor \[N,H,W,T\]/);
  });

  it('rejects T = 0', () => {
    expect(() => receptiveMasks(feat, tf.zeros([0, 5]) as tf.Tensor2D)).toThrow(/T = 0/);
    expect(() => diceDiversity(tf.zeros([2, 3, 4, 0]) as tf.Tensor4D)).toThrow(/T = 0/);
    expect(() => maskedAggregate(feat, tf.zeros([2, 3, 4, 0]) as tf.Tensor4D)).toThrow(/T = 0/);
  });

  it('rejects tokens of the wrong width', () => {
    expect(() => receptiveMasks(feat, tf.zeros([6, 4]) as tf.Tensor2D)).toThrow(/C = 4 but features \[2,3,4,5\] have C = 5/);
  });

  it('rejects mismatched N, H, W between masks and features', () => {
    expect(() => maskedAggregate(feat, tf.zeros([1, 3, 4, 6]) as tf.Tensor4D)).toThrow(/differ in N/);
    expect(() => maskedAggregate(feat, tf.zeros([2, 2, 4, 6]) as tf.Tensor4D)).toThrow(/differ in H/);
    expect(() => maskedDistillLoss(feat, feat, tf.zeros([2, 3, 5, 6]) as tf.Tensor4D)).toThrow(/differ in W/);
  });

  it('rejects student/teacher mismatches in any axis', () => {
    expect(() => maskedDistillLoss(tf.zeros([2, 3, 4, 7]) as tf.Tensor4D, feat, masks)).toThrow(/differ in C/);
    expect(() => maskedDistillLossNaive(tf.zeros([2, 3, 3, 5]) as tf.Tensor4D, feat, masks)).toThrow(/differ in W/);
  });

  it('rejects weights that are not [N,T] and a negative eps', () => {
    expect(() => maskedAggregate(feat, masks, tf.zeros([2, 5]) as tf.Tensor2D)).toThrow(/weights must have shape \[N,T\] = \[2,6\], got \[2,5\]/);
    expect(() => maskedDistillLoss(feat, feat, masks, { weights: tf.zeros([6]) as unknown as tf.Tensor2D })).toThrow(/weights/);
    expect(() => maskedDistillLoss(feat, feat, masks, { eps: -1 })).toThrow(/eps/);
  });
});

describe('memory', () => {
  it('keeps the tensor count flat over 50 forward+backward calls', async () => {
    const [n, h, w, c, t] = [2, 4, 4, 8, 3];
    const s = tf.variable(tf.randomNormal([n, h, w, c], 0, 1, 'float32', 1));
    const f = tf.randomNormal([n, h, w, c], 0, 1, 'float32', 2) as tf.Tensor4D;
    const tok = tf.variable(tf.randomNormal([t, c], 0, 0.5, 'float32', 3));
    const wt = tf.softmax(tf.randomNormal([n, t], 0, 1, 'float32', 4)) as tf.Tensor2D;
    const step = (): void =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const m = receptiveMasks(f, tok as tf.Tensor2D);
          const agg = maskedAggregate(f, m, wt);
          return tf.addN([
            diceDiversity(m),
            tf.mean(agg),
            maskedDistillLoss(s as tf.Tensor4D, f, m, { weights: wt }),
            maskedDistillLossNaive(s as tf.Tensor4D, f, m),
          ]) as tf.Scalar;
        });
        tf.dispose([value, grads]);
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([s, f, tok, wt]);
  });
});
