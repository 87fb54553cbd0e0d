// The generated PyTorch modules against their TF.js models: the shipped demo teachers, the demo
// students (weights and BatchNorm statistics random) and two zoo models with every supported
// layer class (strides 1 and 2, odd sizes). load_state_dict(strict=True), eval mode, float32, the
// same random inputs: every output within 1e-5 of TF.js's (cpu backend).
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildStudent } from '../models/nets';
import { writeSafetensors } from '../share/safetensors';
import { loadShippedTeacher } from '../train/shippedTeacherNode';
import { moduleFiles } from './moduleFiles';
import { noteWhenNoTorch, torchPython } from './torchPython.testkit';
import { convZoo, denseZoo, randomizeWeights } from './zoo.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('moduleParity.test.ts');

const script = fileURLToPath(new URL('../../scripts/check-pytorch-module.py', import.meta.url));

/** Writes the module, its state and a case (input, TF.js's outputs) into a fresh folder. */
function writeCase(model: tf.LayersModel, batch: number, seed: number): string {
  const dir = mkdtempSync(join(tmpdir(), `pt-${model.name}-`));
  const { files } = moduleFiles(model, 'model');
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name === 'model.safetensors' ? 'state.safetensors' : name), data);
  const shape = [batch, ...(model.inputs[0].shape.slice(1) as number[])];
  const x = tf.randomNormal(shape, 0, 1, 'float32', seed);
  const ys = [model.predict(x)].flat() as tf.Tensor[];
  const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {
    input: { dtype: 'F32', shape, data: x.dataSync() as Float32Array },
  };
  ys.forEach((y, i) => (tensors[`expected_${i}`] = { dtype: 'F32', shape: y.shape, data: y.dataSync() as Float32Array }));
  writeFileSync(join(dir, 'case.safetensors'), writeSafetensors(tensors));
  tf.dispose([x, ...ys]);
  return dir;
}

interface Result {
  dir: string;
  outputs?: number;
  maxAbs?: number;
  maxExpected?: number;
  error?: string;
}

function runPython(dirs: string[]): Result[] {
  const r = spawnSync(torchPython!, [script, ...dirs], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`check-pytorch-module.py failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Result);
}

describe.skipIf(!torchPython)('generated PyTorch modules match their TF.js models (eval mode, 1e-5)', () => {
  it('the shipped teachers, the demo students, and the zoo of every supported layer class', async () => {
    const before = tf.memory().numTensors;
    const models: tf.LayersModel[] = [];
    for (const task of ['segmentation', 'detection'] as const) {
      models.push(await loadShippedTeacher(task));
      const student = buildStudent(task);
      randomizeWeights(student, task === 'segmentation' ? 100 : 200);
      models.push(student);
    }
    const zoo = [convZoo(), denseZoo()];
    zoo.forEach((m, i) => randomizeWeights(m, 300 + i * 100));
    models.push(...zoo);
    const dirs = models.map((m, i) => writeCase(m, 2, 7 + i));
    const results = runPython(dirs);
    const table = results.map((r, i) => ({ model: models[i].name, ...r, dir: undefined }));
    console.table(table);
    for (const r of results) {
      expect(r.error).toBeUndefined();
      expect(r.maxAbs).toBeLessThan(1e-5);
      expect(r.maxExpected).toBeGreaterThan(1e-3);
    }
    for (const m of models) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
