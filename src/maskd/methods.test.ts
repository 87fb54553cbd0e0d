import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  MASKD_PRESETS, METHOD_DEFAULTS, METHOD_NAMES, createMethod, customMaskActive, customMaskStart, isMethodName, listMethods, resolveParams,
  upgradeMaskdParams,
} from './methods';
import type { DistillInputs, MethodName } from './methods';
import { cwdLoss } from './methods.losses';
import * as ops from './ops';
import { gradCheck, jsCwd, jsDistill, jsMasks, randomArray, values } from './ops.testkit';
import type { MaskdOps } from './types';

// Top-level, so tensors built while collecting describe blocks are on cpu too.
await tf.setBackend('cpu');

const scalar = async (t: tf.Scalar): Promise<number> => (await values(t))[0];

describe('method registry', () => {
  it('lists every method with a label, help text and the single defaults object', () => {
    const list = listMethods();
    expect(list.map((m) => m.name)).toEqual(['none', 'fitnet', 'cwd', 'maskd']);
    for (const m of list) {
      expect(m.label.length).toBeGreaterThan(0);
      expect(m.help.length).toBeGreaterThan(20);
      expect(m.defaults).toBe(METHOD_DEFAULTS[m.name]);
      // every default has a UI spec and vice versa
      expect(m.params.map((p) => p.key).sort()).toEqual(Object.keys(m.defaults).sort());
      m.params.forEach((p) => expect(p.help.length).toBeGreaterThan(0));
    }
    expect(listMethods().filter((m) => m.usesTokens).map((m) => m.name)).toEqual(['maskd']);
  });

  it('states the reference defaults', () => {
    expect(METHOD_DEFAULTS.cwd).toEqual({ lossWeight: 3, tau: 4 });
    expect(METHOD_DEFAULTS.maskd).toEqual({ lossWeight: 7, factor: 1, customMask: true, customMaskWarmupShare: 0.04, eps: 1e-5 });
    expect(MASKD_PRESETS.segmentation).toMatchObject({ lossWeight: 1, factor: 0.5, customMask: false });
  });

  it('validates names and parameters with clear errors', () => {
    expect(isMethodName('cwd')).toBe(true);
    expect(isMethodName('kd')).toBe(false);
    expect(() => createMethod('kd' as MethodName)).toThrow(/Unknown distillation method "kd"/);
    expect(() => createMethod('cwd', { tau: 0 })).toThrow(/tau must be ≥ 0.05/);
    expect(() => createMethod('maskd', { customMaskWarmupShare: 1.5 })).toThrow(/customMaskWarmupShare must be ≤ 1/);
    expect(() => createMethod('maskd', { customMask: 1 as unknown as boolean })).toThrow(/customMask must be true or false/);
    expect(() => createMethod('fitnet', { lossWeight: NaN })).toThrow(/finite/);
    expect(() => createMethod('fitnet', { tau: 1 } as unknown as { lossWeight: number })).toThrow(/unknown parameter "tau"/);
    expect(resolveParams('cwd', { tau: 2 })).toEqual({ lossWeight: 3, tau: 2 });
  });
});

describe('none and fitnet', () => {
  const s = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
  const f = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;

  it('none returns 0', async () => {
    expect(await scalar(createMethod('none').loss({ student: s, teacher: f, step: 0 }))).toBe(0);
  });

  it('fitnet is λ times the hand MSE', async () => {
    // (1 + 4 + 9 + 16) / 4 = 7.5
    expect(await scalar(createMethod('fitnet').loss({ student: s, teacher: f, step: 0 }))).toBeCloseTo(7.5, 6);
    expect(await scalar(createMethod('fitnet', { lossWeight: 2 }).loss({ student: s, teacher: f, step: 0 }))).toBeCloseTo(15, 5);
    expect(() => createMethod('fitnet').loss({ student: s, teacher: tf.zeros([1, 2, 2, 2]) as tf.Tensor4D, step: 0 }))
      .toThrow(/differ in C/);
  });
});

describe('cwd', () => {
  it('matches a hand-computed KL', async () => {
    // teacher softmax [ln3, 0] = [0.75, 0.25], student uniform: KL = 0.75·ln1.5 + 0.25·ln0.5
    const f = tf.tensor4d([Math.log(3), 0], [1, 1, 2, 1]);
    const s = tf.zeros([1, 1, 2, 1]) as tf.Tensor4D;
    const kl = 0.75 * Math.log(1.5) + 0.25 * Math.log(0.5);
    expect(await scalar(cwdLoss(s, f, 1))).toBeCloseTo(kl, 6);
    expect(await scalar(createMethod('cwd', { tau: 1 }).loss({ student: s, teacher: f, step: 0 }))).toBeCloseTo(3 * kl, 5);
  });

  it('is 0 for identical inputs, positive otherwise, and matches the plain-JS loop', async () => {
    const [n, h, w, c] = [2, 3, 3, 4];
    const sd = randomArray(n * h * w * c, 50, -3, 3), fd = randomArray(n * h * w * c, 51, -3, 3);
    const s = tf.tensor4d(sd, [n, h, w, c]), f = tf.tensor4d(fd, [n, h, w, c]);
    expect(Math.abs(await scalar(cwdLoss(f, f, 4)))).toBeLessThan(1e-6);
    for (const tau of [1, 4]) {
      const got = await scalar(cwdLoss(s, f, tau));
      expect(got).toBeGreaterThan(0);
      expect(got).toBeCloseTo(jsCwd(sd, fd, n, h * w, c, tau), 4);
    }
  });

  it('has finite-difference gradients', async () => {
    const [n, h, w, c] = [1, 2, 2, 2];
    const f = tf.tensor4d(randomArray(n * h * w * c, 52, -2, 2), [n, h, w, c]);
    const res = await gradCheck((s) => cwdLoss(s as tf.Tensor4D, f, 1), [tf.tensor4d(randomArray(n * h * w * c, 53, -2, 2), [n, h, w, c])], {
      h: 1e-3,
    });
    expect(res.maxAbsGrad).toBeGreaterThan(0.01);
    expect(res.worstRatio).toBeLessThanOrEqual(1);
  });
});

describe('maskd', () => {
  const [n, h, w, c, t] = [2, 2, 3, 4, 3];
  const p = h * w;
  const sd = randomArray(n * p * c, 60, -2, 2), fd = randomArray(n * p * c, 61, -2, 2);
  const tokd = randomArray(t * c, 62, -1, 1), wd = randomArray(n * t, 63, 0, 1);
  const student = tf.tensor4d(sd, [n, h, w, c]), teacher = tf.tensor4d(fd, [n, h, w, c]);
  const tokens = tf.tensor2d(tokd, [t, c]), weights = tf.tensor2d(wd, [n, t]);
  const mt = jsMasks(fd, tokd, n, p, c, t);
  const ms = jsMasks(sd, tokd, n, p, c, t);
  const custom = mt.map((v, i) => v * ms[i]);
  const base = { student, teacher, tokens, step: 0 } satisfies DistillInputs;

  it('is λ·factor times the masked loss, from tokens or given masks, with and without weights', async () => {
    const method = createMethod('maskd', { customMask: false });
    const expected = 7 * jsDistill(sd, fd, mt, undefined, n, p, c, t);
    expect(await scalar(method.loss(base))).toBeCloseTo(expected, 4);
    const masks = ops.receptiveMasks(teacher, tokens);
    expect(await scalar(method.loss({ student, teacher, masks, step: 0 }))).toBeCloseTo(expected, 4);
    expect(await scalar(method.loss({ ...base, weights }))).toBeCloseTo(7 * jsDistill(sd, fd, mt, wd, n, p, c, t), 4);
    const seg = createMethod('maskd', MASKD_PRESETS.segmentation);
    expect(await scalar(seg.loss(base))).toBeCloseTo(0.5 * jsDistill(sd, fd, mt, undefined, n, p, c, t), 5);
  });

  it('switches the custom mask on at round(share × steps): 0.04 of 200 is 0-based step 8; never when it would start at the end', () => {
    const p = (share: number, customMask = true) => resolveParams('maskd', { customMaskWarmupShare: share, customMask });
    expect(customMaskStart(p(0.04), 200)).toBe(8);
    expect(customMaskActive(p(0.04), 7, 200)).toBe(false);
    expect(customMaskActive(p(0.04), 8, 200)).toBe(true);
    // 0.04 × 2000 = 80 (the reference's 7000 of ~176 000 scaled to a 2000-step run); 0.125 × 20 = 2.5 rounds up to 3.
    expect(customMaskStart(p(0.04), 2000)).toBe(80);
    expect(customMaskStart(p(0.125), 20)).toBe(3);
    expect(customMaskStart(p(0), 200)).toBe(0);
    expect(customMaskStart(p(1), 200)).toBeNull();
    expect(customMaskStart(p(0.999), 200)).toBe(null); // round(199.8) = 200: past the last step (199)
    expect(customMaskStart(p(0.04, false), 200)).toBeNull();
    expect(customMaskActive(p(0.04, false), 199, 200)).toBe(false);
  });

  it('reads a warm-up in steps (older files and links) as the share of the run it was', () => {
    expect(upgradeMaskdParams({ lossWeight: 7, customMaskWarmup: 1000 }, 2000)).toEqual({ params: { lossWeight: 7, customMaskWarmupShare: 0.5 }, clampedFrom: null });
    expect(upgradeMaskdParams({ customMaskWarmup: 1000 }, 200)).toEqual({ params: { customMaskWarmupShare: 1 }, clampedFrom: 1000 });
    expect(upgradeMaskdParams({ customMaskWarmupShare: 0.1 }, 200)).toEqual({ params: { customMaskWarmupShare: 0.1 }, clampedFrom: null });
    expect(() => upgradeMaskdParams({ customMaskWarmup: -1 }, 200)).toThrow(/customMaskWarmup must be a number of steps/);
  });

  it('multiplies in the student masks only from the warm-up step on', async () => {
    // 0.1 of a 100-step run: on from 0-based step 10.
    const method = createMethod('maskd', { customMaskWarmupShare: 0.1, lossWeight: 1 });
    expect(customMaskActive(method.params, 9, 100)).toBe(false);
    expect(customMaskActive(method.params, 10, 100)).toBe(true);
    const before = await scalar(method.loss({ ...base, weights, step: 9, totalSteps: 100 }));
    const after = await scalar(method.loss({ ...base, weights, step: 10, totalSteps: 100 }));
    // Without the run's length there is no share to take: the custom mask stays off.
    expect(await scalar(method.loss({ ...base, weights, step: 10 }))).toBeCloseTo(before, 6);
    expect(before).toBeCloseTo(jsDistill(sd, fd, mt, wd, n, p, c, t), 5);
    expect(after).toBeCloseTo(jsDistill(sd, fd, custom, wd, n, p, c, t), 5);
    expect(Math.abs(after - before)).toBeGreaterThan(1e-3);
  });

  it('passes no gradient through the student masks', async () => {
    const method = createMethod('maskd', { customMaskWarmupShare: 0, lossWeight: 1 });
    const gMethod = tf.grad((s) => method.loss({ ...base, student: s as tf.Tensor4D, totalSteps: 10 }))(student);
    const frozen = tf.tensor4d(custom, [n, h, w, t]);
    const gFrozen = tf.grad((s) => ops.maskedDistillLoss(s as tf.Tensor4D, teacher, frozen))(student);
    const gThrough = tf.grad((s) =>
      ops.maskedDistillLoss(s as tf.Tensor4D, teacher, tf.mul(ops.receptiveMasks(teacher, tokens), ops.receptiveMasks(s as tf.Tensor4D, tokens))),
    )(student);
    const a = await values(gMethod), b = await values(gFrozen), g = await values(gThrough);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
    expect(Math.max(...a.map((v, i) => Math.abs(v - g[i])))).toBeGreaterThan(1e-4);
  });

  it('needs tokens or masks, and tokens for the custom mask', () => {
    const masks = ops.receptiveMasks(teacher, tokens);
    expect(() => createMethod('maskd').loss({ student, teacher, step: 0 })).toThrow(/needs the teacher masks or the receptive tokens/);
    expect(() => createMethod('maskd', { customMaskWarmupShare: 0 }).loss({ student, teacher, masks, step: 0, totalSteps: 10 })).toThrow(/custom mask.*needs the receptive tokens/);
    expect(() => createMethod('maskd').loss({ ...base, weights: tf.zeros([n, t + 1]) as tf.Tensor2D })).toThrow(/weights must have shape/);
  });

  it('calls the math through the injected ops object', async () => {
    const calls: string[] = [];
    const spy: MaskdOps = {
      receptiveMasks: (...a) => (calls.push('receptiveMasks'), ops.receptiveMasks(...a)),
      maskedAggregate: (...a) => (calls.push('maskedAggregate'), ops.maskedAggregate(...a)),
      diceDiversity: (...a) => (calls.push('diceDiversity'), ops.diceDiversity(...a)),
      maskedDistillLoss: (...a) => (calls.push('maskedDistillLoss'), ops.maskedDistillLoss(...a)),
    };
    const method = createMethod('maskd', { customMaskWarmupShare: 0.5 }, spy);
    await scalar(method.loss({ ...base, step: 0, totalSteps: 10 }));
    expect(calls).toEqual(['receptiveMasks', 'maskedDistillLoss']);
    calls.length = 0;
    await scalar(method.loss({ ...base, step: 5, totalSteps: 10 }));
    expect(calls).toEqual(['receptiveMasks', 'receptiveMasks', 'maskedDistillLoss']);
  });
});

describe('memory', () => {
  it('keeps the tensor count flat over 50 forward+backward steps of every method', () => {
    const s = tf.variable(tf.randomNormal([2, 4, 4, 6], 0, 1, 'float32', 70));
    const f = tf.randomNormal([2, 4, 4, 6], 0, 1, 'float32', 71) as tf.Tensor4D;
    const tok = tf.randomNormal([3, 6], 0, 0.5, 'float32', 72) as tf.Tensor2D;
    const wt = tf.softmax(tf.randomNormal([2, 3], 0, 1, 'float32', 73)) as tf.Tensor2D;
    for (const name of METHOD_NAMES) {
      const method = createMethod(name, name === 'maskd' ? { customMaskWarmupShare: 0.5 } : {});
      const step = (i: number): void =>
        tf.tidy(() => {
          // Adding the student's mean keeps `none` (a constant) differentiable here.
          const { value, grads } = tf.variableGrads(() =>
            tf.add(method.loss({ student: s as tf.Tensor4D, teacher: f, tokens: tok, weights: wt, step: i, totalSteps: 50 }), tf.mean(s)) as tf.Scalar,
          );
          tf.dispose([value, grads]);
        });
      step(0);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 50; i++) step(i);
      expect(tf.memory().numTensors, name).toBe(before);
    }
    tf.dispose([s, f, tok, wt]);
  });
});
