// EngineSession's share/export commands: setTokens (imported tokens, branch, preview scenes by
// seed) and exportStudent (student + the align module of the last distillation).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { loadDigitsNode } from '../data/digitsNode';
import { generateScene } from '../data/scenes';
import { previewSceneSeeds } from '../share/previewSeeds';
import { artifactsToModel } from './artifacts';
import { EngineSession, sceneForSize } from './engineSession';
import type { EngineEvent } from '../engine/contract';
import type { MaskSnapshot } from '../engine/progress';

beforeAll(async () => {
  await useWasmBackend();
});

const snapOf = (s: EngineSession): Promise<MaskSnapshot> => s.snapshotMasks();

it('setTokens replaces tokens and preview scenes, refuses another width, and leaves no tensors behind', async () => {
  const events: EngineEvent[] = [];
  const s = new EngineSession((e) => events.push(e));
  s.pools = loadDigitsNode();
  await s.loadDemoAt('segmentation', 'http://127.0.0.1:1/', { inputSize: 16 });
  const T = 3;
  const C = 64;
  const tokens = { name: 'mask_token', shape: [T, C], data: Array.from({ length: T * C }, (_, i) => Math.sin(i) * 0.5) };
  const seeds = [7, 8];
  expect(await s.setTokens({ tokens, previewSeeds: seeds })).toMatchObject({ numTokens: T, channels: C, tokenWeights: false, snapshot: { numTokens: T } });
  const snap = await snapOf(s);
  expect(snap.previews).toBe(2);
  expect(snap.numTokens).toBe(T);
  const scene = generateScene(s.pools.val, seeds[1], sceneForSize(16));
  expect(Array.from(snap.images.subarray(16 * 16 * 3))).toEqual(Array.from(scene.image));
  expect((await s.exportTokens()).tokens.data).toEqual(Array.from(Float32Array.from(tokens.data)));

  const n0 = tf.memory().numTensors;
  await expect(s.setTokens({ tokens: { name: 'mask_token', shape: [T, 32], data: new Array(T * 32).fill(0) } })).rejects.toThrow(/C = 32 wide .* 64 channels/);
  const branch = {
    'prob.0.weight': { shape: [3, 3, C, C], data: new Array(9 * C * C).fill(0.01) },
    'prob.0.bias': { shape: [C], data: new Array(C).fill(0) },
    'prob.2.weight': { shape: [1, 1, C, T + 1], data: new Array(C * (T + 1)).fill(0.01) },
    'prob.2.bias': { shape: [T + 1], data: new Array(T + 1).fill(0) },
  };
  await expect(s.setTokens({ tokens, branch })).rejects.toThrow(/T = 4, but the tokens are C = 64, T = 3/);
  await expect(s.setTokens({ tokens, previewSeeds: [-1] })).rejects.toThrow(/preview seeds/);
  expect(tf.memory().numTensors).toBe(n0);
  // The previous tokens stay after a refused import.
  expect((await snapOf(s)).numTokens).toBe(T);

  // Back to the engine's own preview scenes by their seeds.
  await s.setTokens({ tokens, previewSeeds: previewSceneSeeds() });
  expect((await snapOf(s)).previews).toBe(4);
  s.dispose();
}, 60_000);

it('exportStudent gives the student, and after a distillation its align module too', async () => {
  const s = new EngineSession(() => {});
  s.pools = loadDigitsNode();
  await s.loadDemoAt('detection', 'http://127.0.0.1:1/', { inputSize: 16 });
  const before = await s.exportStudent();
  expect(before.align).toBeNull();
  expect(before.tapLayer).toBe('neck');
  await s.distill(1, { method: 'fitnet', params: {}, steps: 2, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 2, valCount: 2 });
  const after = await s.exportStudent();
  expect(after.align).not.toBeNull();
  const align = await artifactsToModel(after.align!);
  expect(align.inputs[0].shape).toEqual([null, 4, 4, 32]);
  expect(align.outputs[0].shape).toEqual([null, 4, 4, 64]);
  const student = await artifactsToModel(after.student);
  expect(student.inputs[0].shape).toEqual([null, 16, 16, 3]);
  align.dispose();
  student.dispose();
  s.dispose();
}, 60_000);

it('loadDemo with tokens is all or nothing: tokens that do not fit the new teacher leave the loaded demo, its tokens and the tensor count as they were', async () => {
  const s = new EngineSession(() => {});
  s.pools = loadDigitsNode();
  await s.loadDemoAt('segmentation', 'http://127.0.0.1:1/', { inputSize: 16 });
  const T = 3;
  const C = 64;
  const tokens = { name: 'mask_token', shape: [T, C], data: Array.from({ length: T * C }, (_, i) => Math.cos(i) * 0.5) };
  await s.setTokens({ tokens });
  const before = await s.exportTokens();
  const n0 = tf.memory().numTensors;
  const b0 = tf.memory().numBytes;

  // A run file of the other task whose tokens are 32 wide: the detection demo is built, then refused.
  const narrow = { tokens: { name: 'mask_token', shape: [2, 32], data: new Array(64).fill(0.1) } };
  await expect(s.loadDemoAt('detection', 'http://127.0.0.1:1/', { inputSize: 16, tokens: narrow })).rejects.toThrow(/C = 32 wide but the detection teacher's feature at the tap layer has 64 channels/);
  expect(tf.memory().numTensors).toBe(n0);
  expect(tf.memory().numBytes).toBe(b0);
  expect(s.memory()).toEqual({ numTensors: n0, numBytes: b0 });
  const kept = await s.exportTokens();
  expect(kept.task).toBe('segmentation');
  expect(kept.tokens).toEqual(before.tokens);
  expect((await s.snapshotMasks()).numTokens).toBe(T);

  // More tokens than the limit: refused by the worker too, before anything is drawn.
  const many = { tokens: { name: 'mask_token', shape: [65, C], data: new Array(65 * C).fill(0) } };
  await expect(s.loadDemoAt('detection', 'http://127.0.0.1:1/', { inputSize: 16, tokens: many })).rejects.toThrow(/65 tokens: T must be 1–64/);
  await expect(s.setTokens(many)).rejects.toThrow(/65 tokens/);
  expect(tf.memory().numTensors).toBe(n0);

  // Tokens that fit: the other task is loaded with them (not its shipped ones) and their masks.
  const wide = { tokens: { name: 'mask_token', shape: [5, C], data: Array.from({ length: 5 * C }, (_, i) => Math.sin(i) * 0.3) } };
  const loaded = await s.loadDemoAt('detection', 'http://127.0.0.1:1/', { inputSize: 16, tokens: wide });
  expect(loaded.tokens).toEqual({ numTokens: 5, channels: C, tokenWeights: false });
  expect(loaded.snapshot?.numTokens).toBe(5);
  const now = await s.exportTokens();
  expect(now.task).toBe('detection');
  expect(now.tokens.data).toEqual(Array.from(Float32Array.from(wide.tokens.data)));
  s.dispose();
}, 60_000);
