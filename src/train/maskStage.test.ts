import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { buildTeacher, TAP_LAYER } from '../models/nets';
import { splitAtLayer } from '../models/split';
import { collapseReason, MaskLearner } from './maskStage';
import type { MaskStageConfig } from '../engine/runConfigs';
import { reseedKernels } from './seededInit';
import { NonFiniteStepError } from './stageCommon';
import { TINY_INPUT, tinyScenes } from './stage.testkit';
import { taskAdapter } from './tasks';
import { loadShippedTeacher } from './shippedTeacherNode';
import { demoSource } from './demo';
import { loadDigitsNode } from '../data/digitsNode';
import { effectiveTokens } from '../engine/tokens';

beforeAll(async () => {
  await useWasmBackend();
});

const config: MaskStageConfig = { numTokens: 4, steps: 15, batchSize: 2, lr: 0.5, diceWeight: 1, tokenWeights: false, seed: 3 };

async function weightsOf(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.weights.map(async (w) => new Float32Array(await w.read().data())));
}

describe('MaskLearner (stage 1)', () => {
  it('lowers task + Dice on a fixed batch, and only the tokens change', async () => {
    const teacher = buildTeacher('segmentation', { inputShape: TINY_INPUT });
    reseedKernels(teacher, 1);
    const split = splitAtLayer(teacher, TAP_LAYER);
    const scenes = tinyScenes(5, 2);
    const learner = new MaskLearner({ teacher: split, adapter: taskAdapter('segmentation'), scenes: () => scenes, config });
    const before = await weightsOf(teacher);
    const tokens0 = Float32Array.from(await learner.tokens.variable.data());
    const totals: number[] = [];
    for (let i = 0; i < config.steps; i++) totals.push((await learner.trainStep()).losses.total);
    // A fresh teacher's features are small, so the masks start near 0.5 and move slowly.
    expect(totals[totals.length - 1]).toBeLessThan(totals[0] - 1e-4);
    const after = await weightsOf(teacher);
    after.forEach((w, i) => expect(w).toEqual(before[i]));
    const tokens1 = await learner.tokens.variable.data();
    expect(Array.from(tokens1)).not.toEqual(Array.from(tokens0));
    learner.dispose();
    learner.tokens.dispose();
    teacher.dispose();
  });

  it('reports areas and token weights with the branch (detection)', async () => {
    const teacher = buildTeacher('detection', { inputShape: TINY_INPUT });
    const split = splitAtLayer(teacher, TAP_LAYER);
    const learner = new MaskLearner({
      teacher: split,
      adapter: taskAdapter('detection'),
      scenes: (k) => tinyScenes(100 + k, 2),
      config: { ...config, tokenWeights: true },
    });
    const first = await learner.trainStep();
    expect(first.tokenAreas).toHaveLength(4);
    expect(first.tokenWeights).toHaveLength(4);
    expect(first.tokenWeights!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await learner.trainStep();
    expect(tf.memory().numTensors).toBe(n0);
    learner.dispose();
    learner.tokens.dispose();
    learner.branch?.dispose();
    teacher.dispose();
  }, 30_000);

  it('on the shipped detection teacher the token weights stay spread (the reference form went one-hot within 2 steps)', async () => {
    // The page's detection recipe (Adam 0.003, weight decay 1e-3, cosine, 6 tokens with the branch),
    // seed 1, batch 8. With the reference's init and Σ w·m·F the batch-mean weights were at effective
    // tokens 1.02 by step 3 (docs/experiments.md); now they stay near equal.
    const teacher = await loadShippedTeacher('detection');
    const split = splitAtLayer(teacher, TAP_LAYER);
    const source = demoSource(loadDigitsNode(), 'detection', 64);
    const steps = 12;
    const learner = new MaskLearner({
      teacher: split,
      adapter: taskAdapter('detection'),
      scenes: (k) => source.trainBatch(1, k, 8),
      config: { numTokens: 6, steps, batchSize: 8, lr: 0.003, diceWeight: 1, tokenWeights: true, seed: 1, optimizer: 'adam', weightDecay: 1e-3, schedule: 'cosine' },
    });
    const effective: number[] = [];
    for (let i = 0; i < steps; i++) effective.push(effectiveTokens((await learner.trainStep()).tokenWeights!));
    expect(Math.min(...effective)).toBeGreaterThan(4);
    learner.dispose();
    learner.tokens.dispose();
    learner.branch?.dispose();
    teacher.dispose();
  }, 60_000);

  it('keeps the tensor count flat over 100 steps', async () => {
    const teacher = buildTeacher('segmentation', { inputShape: TINY_INPUT });
    const split = splitAtLayer(teacher, TAP_LAYER);
    const learner = new MaskLearner({
      teacher: split,
      adapter: taskAdapter('segmentation'),
      scenes: (k) => tinyScenes(200 + (k % 4), 2),
      config: { ...config, steps: 101 },
    });
    await learner.trainStep();
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await learner.trainStep();
    expect(tf.memory().numTensors).toBe(n0);
    learner.dispose();
    learner.tokens.dispose();
    teacher.dispose();
  }, 60_000);

  it('with SGD momentum, weight decay and poly (the reference segmentation recipe) the tensor count stays flat too', async () => {
    const teacher = buildTeacher('detection', { inputShape: TINY_INPUT });
    const split = splitAtLayer(teacher, TAP_LAYER);
    const sgd: MaskStageConfig = { ...config, steps: 31, lr: 0.1, tokenWeights: true, optimizer: 'sgd', momentum: 0.9, weightDecay: 1e-3, schedule: 'poly' };
    const learner = new MaskLearner({ teacher: split, adapter: taskAdapter('detection'), scenes: (k) => tinyScenes(300 + (k % 4), 2), config: sgd });
    expect(learner.optimizer.getClassName()).toBe('Momentum');
    await learner.trainStep();
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 30; i++) await learner.trainStep();
    expect(tf.memory().numTensors).toBe(n0);
    learner.dispose();
    learner.tokens.dispose();
    learner.branch?.dispose();
    teacher.dispose();
  }, 60_000);

  it('skips a non-finite step without touching the tokens', async () => {
    const teacher = buildTeacher('segmentation', { inputShape: TINY_INPUT });
    const split = splitAtLayer(teacher, TAP_LAYER);
    const scenes = tinyScenes(5, 2);
    const learner = new MaskLearner({ teacher: split, adapter: taskAdapter('segmentation'), scenes: () => scenes, config });
    learner.tokens.variable.assign(tf.fill([4, 64], NaN) as tf.Tensor2D);
    const n0 = tf.memory().numTensors;
    await expect(learner.trainStep()).rejects.toBeInstanceOf(NonFiniteStepError);
    expect(learner.step).toBe(0);
    expect(tf.memory().numTensors).toBe(n0);
    learner.dispose();
    learner.tokens.dispose();
    teacher.dispose();
  });

  it('names collapse', () => {
    expect(collapseReason(0.99, [0.5, 0.5])).toMatch(/identical/);
    expect(collapseReason(0.2, [0.5, 0.97])).toMatch(/token 1/);
    expect(collapseReason(0.2, [0.001, 0.5])).toMatch(/token 0 went dark/);
    expect(collapseReason(0.2, [0.3, 0.5])).toBeNull();
  });
});
