import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { randomScenes, timeDistillSteps } from './calibrationSteps';

beforeAll(useWasmBackend);

it('times MasKD steps of the demo nets on the active backend and frees every tensor', async () => {
  const before = tf.memory().numTensors;
  const heard: number[] = [];
  const r = await timeDistillSteps({ task: 'detection', batchSize: 2, steps: 2, size: 32 }, (_, i) => heard.push(i));
  expect(heard).toEqual([0, 1, 2]);
  expect(r.stepsMs).toHaveLength(2);
  expect(r.msPerStep).toBeGreaterThan(0);
  expect(r.msPerStep).toBe((r.stepsMs[0] + r.stepsMs[1]) / 2);
  expect(tf.memory().numTensors).toBe(before);
});

it('makes scenes of the demo shapes with one labelled square', () => {
  const [s] = randomScenes(1, 16, 3);
  expect(s.image).toHaveLength(16 * 16 * 3);
  const labelled = s.labels.filter((v) => v > 0);
  expect(labelled.length).toBe(16);
  expect(new Set(labelled).size).toBe(1);
  expect(s.boxes).toHaveLength(1);
  expect(s.boxes[0].x1 - s.boxes[0].x0).toBe(4);
  expect(labelled[0]).toBe(s.boxes[0].cls + 1);
});
