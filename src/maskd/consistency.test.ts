import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  addAgreement, agreement, AREA_BOUNDS, areaBoundsPerImage, consistencyLoss, consistencyPerImage, emptyAgreement, L2_EPS, peakWeights, wholeOutput,
  type OutputKind, type OutputSpec,
} from './consistency';
import { gradCheck, randomArray, values } from './ops.testkit';

await tf.setBackend('cpu');

const one = (kind: OutputKind, shape: number[]): OutputSpec => wholeOutput('out', shape, kind);

describe('consistencyLoss', () => {
  it('hand-worked values of each kind', async () => {
    // Values: Σ(y − t)² / (Σ t² + ε·count) = (0 + 4) / (1 + 2ε).
    const reg = consistencyLoss([tf.tensor2d([[1, 2]])], [tf.tensor2d([[1, 0]])], [one('regression', [2])]);
    expect((await values(reg))[0]).toBeCloseTo(4 / (1 + 2 * L2_EPS), 6);
    // Sigmoid probabilities: teacher 0.5, prediction 0.25: 0.5·ln(0.5/0.25) + 0.5·ln(0.5/0.75).
    const kl = 0.5 * Math.log(2) + 0.5 * Math.log(2 / 3);
    const sig = consistencyLoss([tf.tensor2d([[0.25]])], [tf.tensor2d([[0.5]])], [one('sigmoid', [1])]);
    expect((await values(sig))[0]).toBeCloseTo(kl, 6);
    // The same from logits: sigmoid(0) = 0.5, sigmoid(−ln 3) = 0.25.
    const sigl = consistencyLoss([tf.tensor2d([[-Math.log(3)]])], [tf.tensor2d([[0]])], [one('sigmoid-logits', [1])]);
    expect((await values(sigl))[0]).toBeCloseTo(kl, 6);
    // Softmax logits [ln 3, 0] → [0.75, 0.25] against [0.5, 0.5]: the same KL, over one position.
    const smx = consistencyLoss([tf.tensor2d([[Math.log(3), 0]])], [tf.tensor2d([[0, 0]])], [one('softmax-logits', [2])]);
    expect((await values(smx))[0]).toBeCloseTo(kl, 6);
    // Softmax probabilities, two positions (the mean over positions): the KL above and 0.
    const sm = consistencyLoss([tf.tensor3d([[[0.75, 0.25], [0.3, 0.7]]])], [tf.tensor3d([[[0.5, 0.5], [0.3, 0.7]]])], [one('softmax', [2, 2])]);
    expect((await values(sm))[0]).toBeCloseTo(kl / 2, 5);
  });

  it('is zero when the prediction is the teacher’s output, for every kind', async () => {
    for (const kind of ['softmax', 'softmax-logits', 'sigmoid', 'sigmoid-logits', 'regression'] as const) {
      const raw = tf.tensor4d(randomArray(2 * 3 * 3 * 4, 1, kind === 'regression' || kind.endsWith('logits') ? -3 : 0.05, kind.endsWith('logits') || kind === 'regression' ? 3 : 0.95), [2, 3, 3, 4]);
      const x = kind === 'softmax' ? tf.softmax(raw) : raw;
      const loss = consistencyLoss([x], [x.clone()], [one(kind, [3, 3, 4])]);
      expect(Math.abs((await values(loss))[0]), kind).toBeLessThan(1e-6);
    }
  });

  it('has finite-difference gradients for the prediction, for every kind and for parts of one output', async () => {
    const cases: [OutputSpec, number, number][] = [
      [one('softmax-logits', [2, 3]), -2, 2],
      [one('sigmoid-logits', [2, 3]), -2, 2],
      [one('sigmoid', [2, 3]), 0.1, 0.9],
      [one('regression', [2, 3]), -2, 2],
      // A detection head: channels 0–1 heatmap logits, 2 a size.
      [{ name: 'det', shape: [2, 3], parts: [{ kind: 'sigmoid-logits', from: 0, to: 2 }, { kind: 'regression', from: 2, to: 3 }] }, -2, 2],
    ];
    for (const [spec, lo, hi] of cases) {
      const target = tf.tensor3d(randomArray(12, 7, lo, hi), [2, 2, 3]);
      const res = await gradCheck((p) => consistencyLoss([p], [target], [spec]), [tf.tensor3d(randomArray(12, 8, lo, hi), [2, 2, 3])], { h: 1e-3 });
      expect(res.maxAbsGrad, spec.parts.map((p) => p.kind).join('+')).toBeGreaterThan(0.01);
      expect(res.worstRatio, spec.parts.map((p) => p.kind).join('+')).toBeLessThanOrEqual(1);
    }
    // Softmax probabilities (the prediction stays a distribution: differentiate through a softmax).
    const target = tf.softmax(tf.tensor3d(randomArray(12, 9, -2, 2), [2, 2, 3]));
    const res = await gradCheck((z) => consistencyLoss([tf.softmax(z)], [target], [one('softmax', [2, 3])]), [tf.tensor3d(randomArray(12, 10, -2, 2), [2, 2, 3])], { h: 1e-3 });
    expect(res.worstRatio).toBeLessThanOrEqual(1);
  });

  it('averages over outputs and images, so a batch splits into micro-batches exactly', async () => {
    const specs = [one('sigmoid-logits', [4, 4, 1]), one('regression', [2, 2, 3])];
    const preds = [tf.tensor4d(randomArray(3 * 16, 11, -2, 2), [3, 4, 4, 1]), tf.tensor4d(randomArray(3 * 12, 12), [3, 2, 2, 3])];
    const targets = [tf.tensor4d(randomArray(3 * 16, 13, -2, 2), [3, 4, 4, 1]), tf.tensor4d(randomArray(3 * 12, 14), [3, 2, 2, 3])];
    const whole = (await values(consistencyLoss(preds, targets, specs)))[0];
    const per = await values(consistencyPerImage(preds, targets, specs));
    expect(whole).toBeCloseTo((per[0] + per[1] + per[2]) / 3, 6);
    const first = (x: tf.Tensor) => tf.slice(x, [0], [1]);
    const rest = (x: tf.Tensor) => tf.slice(x, [1], [2]);
    const a = (await values(consistencyLoss(preds.map(first), targets.map(first), specs)))[0];
    const b = (await values(consistencyLoss(preds.map(rest), targets.map(rest), specs)))[0];
    expect((a * 1 + b * 2) / 3).toBeCloseTo(whole, 6);
    // Each term is the mean of the two outputs' terms.
    const s0 = (await values(consistencyPerImage([preds[0]], [targets[0]], [specs[0]])))[0];
    const s1 = (await values(consistencyPerImage([preds[1]], [targets[1]], [specs[1]])))[0];
    expect(per[0]).toBeCloseTo((s0 + s1) / 2, 6);
  });

  it('names the output whose shape does not match', () => {
    expect(() => consistencyLoss([tf.zeros([1, 2, 2, 1])], [tf.zeros([1, 2, 2, 2])], [one('regression', [2, 2, 1])])).toThrow(/"out" should be \[1,2,2,1\]/);
  });

  it('keeps the tensor count flat', () => {
    const spec = one('softmax-logits', [2, 2, 3]);
    const p = tf.randomNormal([2, 2, 2, 3]);
    const t = tf.randomNormal([2, 2, 2, 3]);
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) tf.dispose(tf.grad((x: tf.Tensor) => consistencyLoss([x], [t], [spec]))(p));
    expect(tf.memory().numTensors).toBe(n0);
  });
});

describe('agreement', () => {
  it('is 1 for the teacher’s own output and hand-worked otherwise', async () => {
    const specs: OutputSpec[] = [one('softmax-logits', [2, 2]), one('sigmoid', [2, 1]), one('regression', [2, 1])];
    const t = [tf.tensor3d([[[2, 0], [0, 2]]]), tf.tensor3d([[[0.5], [0.2]]]), tf.tensor3d([[[1], [1]]])];
    const same = emptyAgreement(specs);
    await addAgreement(same, t, t, specs);
    expect(agreement(same, specs)).toBeCloseTo(1, 6);
    // Arg-max agrees at 1 of 2 positions; soft IoU (0.25 + 0.2) / (0.5 + 0.4) = 0.5; values 1 − (0 + 1) / 2 = 0.5.
    const y = [tf.tensor3d([[[2, 0], [2, 0]]]), tf.tensor3d([[[0.25], [0.4]]]), tf.tensor3d([[[1], [0]]])];
    const sums = emptyAgreement(specs);
    await addAgreement(sums, y, t, specs);
    expect(agreement(sums, specs)).toBeCloseTo(0.5, 6);
  });
});

describe('CenterNet peaks', () => {
  const sig = (x: number) => 1 / (1 + Math.exp(-x));

  it('peakWeights keeps the 3×3 maxima of the max-class heatmap (hand-worked)', async () => {
    // 1×3×3 map, 2 classes; the max over classes is [[0,1,0],[0,0,0],[0,0,3]] in logits.
    const logits = tf.tensor4d([0, -5, 1, 0, 0, 0, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, -1], [1, 3, 3, 2]);
    const w = await values(peakWeights(logits));
    // The 3 at (2,2) and the 1 at (0,1) are the maxima of their 3×3 windows; (2,0)'s window (rows 1–2,
    // columns 0–1) is flat at sigmoid(0), so it is a (weak) peak too, as in CenterNet's decode; every
    // other cell has a higher neighbour.
    const want = [0, sig(1), 0, 0, 0, 0, 0.5, 0, sig(3)];
    want.forEach((v, i) => expect(w[i]).toBeCloseTo(v, 6));
  });

  it('weights the size/offset terms by the teacher’s peaks (hand-worked)', async () => {
    // One image, 1×2 cells, channel 0 a heatmap logit, channel 1 a size. The teacher's heatmap peaks at
    // cell 0 (logit 2); cell 1 (logit −2) is below its neighbour, so only cell 0's size counts.
    const spec: OutputSpec = {
      name: 'centernet',
      shape: [1, 2, 2],
      parts: [
        { kind: 'sigmoid-logits', from: 0, to: 1 },
        { kind: 'regression', from: 1, to: 2, peaksOf: { from: 0, to: 1 } },
      ],
    };
    const target = tf.tensor4d([2, 3, -2, 5], [1, 1, 2, 2]);
    // The prediction has the teacher's heatmap, the right size at the peak and a wrong one off it.
    const offPeak = tf.tensor4d([2, 3, -2, 0], [1, 1, 2, 2]);
    expect((await values(consistencyLoss([offPeak], [target], [spec])))[0]).toBeCloseTo(0, 6);
    // A wrong size at the peak: (3 − 1)² / (3² + ε) over the two parts: (0 + 4 / (9 + ε)) / 2.
    const atPeak = tf.tensor4d([2, 1, -2, 5], [1, 1, 2, 2]);
    expect((await values(consistencyLoss([atPeak], [target], [spec])))[0]).toBeCloseTo(4 / (9 + L2_EPS) / 2, 6);
    // Unweighted, the off-peak error would count: (25 / (9 + 25 + 2ε)) / 2.
    const plain: OutputSpec = { ...spec, parts: [spec.parts[0], { kind: 'regression', from: 1, to: 2 }] };
    expect((await values(consistencyLoss([offPeak], [target], [plain])))[0]).toBeCloseTo(25 / (34 + 2 * L2_EPS) / 2, 6);
    // The agreement reads the same weights: the off-peak size leaves it at 1.
    const sums = emptyAgreement([spec]);
    await addAgreement(sums, [offPeak], [target], [spec]);
    expect(agreement(sums, [spec])).toBeCloseTo(1, 6);
  });
});

describe('areaBoundsPerImage', () => {
  it('is 0 inside the bounds and counts the share outside them (hand-worked)', async () => {
    // Two images, 1×4 pixels, 3 tokens. Image 0: areas 0.5, 0.25, 0.25 (inside [0.05, 0.9]).
    // Image 1: areas 1 (all ones), 0 (dark), 0.025: (1 − 0.9)/0.1 + (0.05 − 0)/0.05 + (0.05 − 0.025)/0.05 = 1 + 1 + 0.5, over 3.
    const m = tf.tensor4d(
      [1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, /* image 1 */ 1, 0, 0.1, 1, 0, 0, 1, 0, 0, 1, 0, 0],
      [2, 1, 4, 3],
    );
    const b = await values(areaBoundsPerImage(m));
    expect(b[0]).toBeCloseTo(0, 6);
    expect(b[1]).toBeCloseTo(2.5 / 3, 6);
    expect(AREA_BOUNDS).toEqual({ floor: 0.05, ceiling: 0.9 });
    expect(() => areaBoundsPerImage(m, { floor: 0.5, ceiling: 0.4 })).toThrow(/floor < ceiling/);
  });
});
