import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { consistencyLoss, L2_EPS, wholeOutput } from './consistency';
import { diceDiversity, maskedAggregate, receptiveMasks } from './ops';
import { values } from './ops.testkit';
import { AREA_BOUNDS_WEIGHT, stage1Loss, WEIGHT_ENTROPY, type Stage1Weights } from './stage1Loss';

await tf.setBackend('cpu');

const sig = (x: number) => 1 / (1 + Math.exp(-x));

// A hand-worked scene: one image of 1×4 pixels, C = 2. Every pixel projects positively on the first
// channel (as the demo teachers' tap features do on one direction); the second splits the scene in two.
const F = [2, 1, 2, 1, 2, -1, 2, -1];
// The teacher's head is the identity, so label-free consistency compares the aggregate with F itself.
const spec = wholeOutput('feature', [1, 4, 2], 'regression');
// The collapse: token 1 = 10·e₁ lights every pixel (sigmoid(20)), token 2 = −20·e₁ is dark (sigmoid(−40)).
const COLLAPSE = [10, 0, -20, 0];
// A partition: token 1 = 10·e₂ on pixels 0–1, token 2 = −10·e₂ on pixels 2–3.
const DIVERSE = [0, 10, 0, -10];

/** Stage 1's label-free loss of `tokens` on the scene (weights: the branch's, if any). */
async function labelFreeLoss(tokens: number[], w: Stage1Weights, weights?: number[]): Promise<{ total: number; consistency: number; dice: number }> {
  const row = tf.tidy(() => {
    const f = tf.tensor4d(F, [1, 1, 4, 2]);
    const masks = receptiveMasks(f, tf.tensor2d(tokens, [2, 2]));
    const wt = weights ? tf.tensor2d(weights, [1, 2]) : undefined;
    // With the branch, stage 1's aggregate weighs the masks by T·w (src/train/maskStage.ts).
    const aggregate = maskedAggregate(f, masks, wt ? (tf.mul(wt, 2) as tf.Tensor2D) : undefined);
    const consistency = consistencyLoss([aggregate], [f], [spec]);
    const dice = diceDiversity(masks);
    return tf.stack([stage1Loss(consistency, dice, masks, wt, w), consistency, dice]);
  });
  const [total, consistency, dice] = await values(row);
  row.dispose();
  return { total, consistency, dice };
}

describe('label-free stage 1: the collapse no longer wins', () => {
  const before: Stage1Weights = { dice: 1, weightEntropy: 0, areaBounds: 0 };
  const now: Stage1Weights = { dice: 1, weightEntropy: WEIGHT_ENTROPY, areaBounds: AREA_BOUNDS_WEIGHT };
  // Both reproduce F exactly (sigmoid(x) + sigmoid(−x) = 1 per pixel; sigmoid(20) + sigmoid(−40) is 1 in float32).
  // Dice of the partition: each mask is s = sigmoid(10) on its half and s' = sigmoid(−10) on the other,
  // 2·Σ m₁m₂ / (Σ m₁² + Σ m₂²) = 2·4ss' / (2·(2s² + 2s'²)) = 2ss' / (s² + s'²) ≈ 9.08e-5.
  const s = sig(10), s2 = sig(-10);
  const diverseDice = (2 * s * s2) / (s * s + s2 * s2);

  it('scored the collapse at 0, below a partition, with consistency and Dice alone (the issue)', async () => {
    const c = await labelFreeLoss(COLLAPSE, before);
    const d = await labelFreeLoss(DIVERSE, before);
    expect(c.consistency).toBeLessThan(1e-12);
    expect(c.total).toBeLessThan(1e-12);
    expect(d.consistency).toBeLessThan(1e-10);
    expect(d.dice).toBeCloseTo(diverseDice, 9);
    expect(c.total).toBeLessThan(d.total);
  });

  it('scores the collapse at 1 and the partition at its Dice with the area bounds (hand-worked)', async () => {
    // Collapse: areas sigmoid(20) ≈ 1 and sigmoid(−40) ≈ 0, so (1 − 0.9)/0.1 = 1 and (0.05 − 0)/0.05 = 1,
    // mean over the two tokens 1. Partition: both areas 0.5, inside [0.05, 0.9]: 0.
    const c = await labelFreeLoss(COLLAPSE, now);
    const d = await labelFreeLoss(DIVERSE, now);
    expect(c.total).toBeCloseTo(1, 6);
    expect(d.total).toBeCloseTo(diverseDice, 9);
    expect(c.total).toBeGreaterThan(d.total + 0.99);
  });

  it('with the token-weight branch: one-hot weights cost log 2 · 0.3 more, equal weights nothing', async () => {
    // Equal weights on the partition: T·w = 1 each, the aggregate is F again; the penalty is 0.
    const d = await labelFreeLoss(DIVERSE, now, [0.5, 0.5]);
    expect(d.consistency).toBeLessThan(1e-10);
    expect(d.total).toBeCloseTo(diverseDice, 9);
    // The collapse with all the weight on its all-ones token (T·w = 2 there): A = 2·sigmoid(20)·F, so
    // consistency Σ(2F − F)²/(ΣF² + 8ε) = 1/(1 + 8ε/20) ≈ 1; area bounds 1; penalty 0.3·(log 2 − 0).
    const c = await labelFreeLoss(COLLAPSE, now, [1, 0]);
    expect(c.consistency).toBeCloseTo(20 / (20 + 8 * L2_EPS), 6);
    expect(c.total).toBeCloseTo(c.consistency + 1 + WEIGHT_ENTROPY * Math.log(2), 5);
    expect(c.total).toBeGreaterThan(d.total + 2);
  });

  it('keeps the tensor count flat', async () => {
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await labelFreeLoss(COLLAPSE, now, [0.7, 0.3]);
    expect(tf.memory().numTensors).toBe(n0);
  });
});
