import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { fixture } from '../byo/fixtures.testkit';
import { loadDigitsNode } from '../data/digitsNode';
import { EngineSession } from './engineSession';
import type { EngineEvent } from '../engine/contract';
import type { UserModelFiles } from '../engine/userModels';

beforeAll(async () => {
  await useWasmBackend();
});
// The fixtures are made on cpu (scripts/make-fixtures.mjs); the runs here stay on wasm.
afterEach(() => {
  expect(tf.getBackend()).toBe('wasm');
});

async function files(name: string, tap?: string): Promise<UserModelFiles> {
  return { files: await fixture(name), label: name, ...(tap ? { tap } : {}) };
}

async function session(events: EngineEvent[] = []): Promise<EngineSession> {
  const s = new EngineSession((e) => events.push(e));
  s.pools = loadDigitsNode();
  await s.loadDemoAt('segmentation', 'http://127.0.0.1:1/', { inputSize: 64 });
  return s;
}

it('loads a user teacher + student, sizes the align module, runs stage 1 and stage 2 on them', async () => {
  const s = await session();
  const r = await s.loadModels({ teacher: await files('teacher-valid'), student: await files('student-valid') });
  expect(r.teacher).toMatchObject({ tapLayer: 'feat', featureShape: [16, 16, 32], inputShape: [64, 64, 3] });
  expect(r.teacher.source).toMatch(/^teacher-valid · sha256:[0-9a-f]{64}$/);
  expect(r.student).toMatchObject({ tapLayer: 'feat', featureShape: [8, 8, 16] });
  expect(r.align).toBe('1×1 conv 16→32, bilinear 8×8→16×16');
  expect(r.user.teacher?.tapWhy).toMatch(/suggested: deepest 4-D feature at the largest stride ≤ 8 \(4\)/);
  expect(r.user.teacher?.layers.map((l) => l.name)).toContain('flat');
  // Loading the same pair again replaces it: the old models' tensors are released.
  const n0 = tf.memory().numTensors;
  await s.loadModels({ teacher: await files('teacher-valid'), student: await files('student-valid') });
  expect(tf.memory().numTensors).toBe(n0);
  await s.loadModels({ teacher: await files('teacher-graph') });
  await s.loadModels({ teacher: await files('teacher-valid') });
  expect(tf.memory().numTensors).toBe(n0);
  const m = await s.learnMasks(1, { numTokens: 3, steps: 2, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: false, seed: 1 });
  expect(m.step).toBe(2);
  const d = await s.distill(2, { method: 'maskd', params: { customMask: false }, steps: 2, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 2, valCount: 2 });
  expect(d.step).toBe(2);
  expect(Number.isFinite(d.metric)).toBe(true);
  s.dispose();
}, 120_000);

it('a graph-model teacher runs stage 1 by feeding the masked feature at the tap node', async () => {
  const s = await session();
  const r = await s.loadModels({ teacher: await files('teacher-graph') });
  expect(r.teacher).toMatchObject({ tapLayer: 'feat/Relu', featureShape: [16, 16, 24] });
  expect(r.user.teacher?.format).toBe('graph-model');
  // The built-in student stays (same 64×64 input): its neck is 16×16×32.
  expect(r.align).toBe('1×1 conv 32→24');
  const config = { numTokens: 3, steps: 1, batchSize: 2, lr: 0.05, diceWeight: 1, tokenWeights: false, seed: 1 };
  await s.learnMasks(1, config);
  const one = (await s.exportTokens()).tokens.data;
  const before = tf.memory().numTensors;
  const m = await s.learnMasks(2, { ...config, steps: 3 });
  expect(m.step).toBe(3);
  // Same seeded init, two more steps: the tokens moved, so the task+Dice gradient reached them through the graph.
  const three = (await s.exportTokens()).tokens.data;
  expect(three).not.toEqual(one);
  // The learner's tensors are released (the new tokens replace the old ones).
  expect(tf.memory().numTensors).toBe(before);
  // Another tap node of the graph: the stride-2 stem.
  const stem = s.setTap('teacher', 'stem/Relu');
  expect(stem.teacher.featureShape).toEqual([32, 32, 16]);
  expect(stem.align).toBe('1×1 conv 32→16, bilinear 16×16→32×32');
  expect(() => s.setTap('teacher', 'Identity')).toThrow(/teacher-graph\/model\.json: layer "Identity" cannot be the tap: "Identity" is a model output/);
  expect((await s.learnMasks(4, { ...config, steps: 1 })).step).toBe(1);
  // Stage 2 distils the built-in student towards the graph's tap feature.
  const d = await s.distill(3, { method: 'maskd', params: { customMask: false }, steps: 2, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 2, valCount: 2 });
  expect(d.step).toBe(2);
  expect(Number.isFinite(d.metric)).toBe(true);
  s.dispose();
}, 120_000);

it('each bad file leaves the loaded models in place with a message naming the file', async () => {
  const s = await session();
  const good = await s.loadModels({ teacher: await files('teacher-valid'), student: await files('student-valid') });
  const cases: [string, RegExp][] = [
    ['broken-not-json', /^broken-not-json\/model\.json: is not JSON/],
    ['broken-not-tfjs', /^broken-not-tfjs\/model\.json: is JSON but not a TensorFlow\.js model/],
    ['broken-missing-shard', /^group1-shard2of2\.bin: missing/],
    ['broken-extra-shard', /^group1-shard3of2\.bin: not listed/],
    ['broken-shard-size', /^group1-shard1of2\.bin, group1-shard2of2\.bin: hold \d+ bytes, but/],
    ['broken-unsupported-layer', /model\.json: uses layer classes .* "feat" \(MultiHeadSelfAttention\)/],
    ['broken-unsupported-op', /model\.json: uses op "FancyRelu"/],
    ['broken-head-skip', /model\.json: has no layer that can be the tap: layer "feat": the head reads "skip_conv"/],
    // Its 10 logits are not the labels' 11: a label-free teacher, whose student must produce its output, which the loaded one does not.
    ['broken-wrong-classes', /model\.json: no labels fit this teacher \(its output \[N,64,64,10\] does not match the segmentation demo's labels.*\), so its student must produce its outputs, and the loaded student \(student-valid\) does not: its outputs \[N,64,64,11\] are not the teacher's \[N,64,64,10\]/],
    ['broken-gray-input', /model\.json: cannot take the segmentation demo's data: it takes 1-channel images/],
    ['broken-too-large', /model\.json: is too large for this device: weight "huge\/kernel"/],
  ];
  const n0 = tf.memory().numTensors;
  for (const [name, message] of cases) {
    await expect(s.loadModels({ teacher: await files(name) }), name).rejects.toThrow(message);
    expect(tf.memory().numTensors, name).toBe(n0);
  }
  // A graph model cannot be a student; a teacher tap that is not 4-D is refused by name.
  await expect(s.loadModels({ student: await files('teacher-graph') })).rejects.toThrow(/graph model, which is frozen/);
  expect(() => s.setTap('teacher', 'flat')).toThrow(/teacher-valid\/model\.json: layer "flat" cannot be the tap: its output is 3-D \[N,256,32\]/);
  // Still the good pair: a re-tap to another valid layer works and stage 1 runs.
  const again = s.setTap('teacher', 'unflat');
  expect(again.teacher.source).toBe(good.teacher.source);
  expect(again.teacher.tapLayer).toBe('unflat');
  expect(again.student.source).toBe(good.student.source);
  expect((await s.learnMasks(1, { numTokens: 2, steps: 1, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: false, seed: 1 })).step).toBe(1);
  s.dispose();
}, 120_000);

it('a 32×32 teacher regenerates the demo data at 32 with a built-in student of that size', async () => {
  const events: EngineEvent[] = [];
  const s = await session(events);
  const r = await s.loadModels({ teacher: await files('teacher-32') });
  expect(r.inputSize).toBe(32);
  expect(r.student.inputShape).toEqual([32, 32, 3]);
  expect(r.warnings[0]).toMatchObject({ kind: 'input-size', text: expect.stringMatching(/generated at 32×32, with a fresh built-in student/) });
  // A 64×64 student cannot join a 32×32 teacher (refused after it was loaded and split: nothing stays).
  const n0 = tf.memory().numTensors;
  await expect(s.loadModels({ student: await files('student-valid') })).rejects.toThrow(/student-valid\/model\.json: takes 64×64 images, the loaded teacher 32×32/);
  expect(tf.memory().numTensors).toBe(n0);
  expect((await s.learnMasks(1, { numTokens: 2, steps: 1, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: false, seed: 1 })).step).toBe(1);
  s.dispose();
}, 120_000);
