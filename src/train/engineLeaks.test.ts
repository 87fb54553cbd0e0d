import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { loadDigitsNode } from '../data/digitsNode';
import { EngineSession } from './engineSession';

beforeAll(async () => {
  await useWasmBackend();
});

// splitAtLayer re-applies the head's layers, and each apply is a reference that
// LayersModel.dispose() does not drop: before disposeModel a reload leaked 24 tensors and each
// compared method 12 (the split heads' weights).
it('reloading the demo and comparing methods keep the tensor count flat', async () => {
  const s = new EngineSession(() => {});
  s.pools = loadDigitsNode();
  await s.loadDemoAt('segmentation', 'http://127.0.0.1:1/', { inputSize: 16 });
  const n0 = tf.memory().numTensors;
  await s.loadDemoAt('segmentation', 'http://127.0.0.1:1/', { inputSize: 16 });
  expect(tf.memory().numTensors).toBe(n0);
  const cfg = { steps: 1, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 1, valCount: 2 };
  await s.compare(1, ['none'], cfg);
  const n1 = tf.memory().numTensors;
  await s.compare(2, ['none', 'fitnet'], cfg);
  expect(tf.memory().numTensors).toBe(n1);
  s.dispose();
}, 60_000);
