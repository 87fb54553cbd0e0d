// The way back from a run on a dropped dataset: your own layers pair (the 3-class fixture teacher
// and student on seg-valid, 32 px) and the demo nets on a detection dataset (a teacher trained on
// det-valid's boxes, 2 classes). The engine distils, paused mid-run; its Continue in PyTorch zip
// carries page.json scored on the dataset's validation split (no held-out digits); train.py takes
// 2 more steps with --eval-every 1 and writes the page's run file. That file parses; its checkpoint
// passes validateCheckpoint with the run student's page names and shapes; its student, loaded into
// a copy of the run's student, gives PyTorch's outputs; and train.py's validation number and its
// final number (the validation split again: a dataset has no test split, as the page reports it)
// are the page's metric of that student on the same images.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDatasetFixtures } from '../../scripts/make-dataset-fixtures.mjs';
import { fixture, LIMITS } from '../byo/fixtures.testkit';
import { loadLayersFromParsed } from '../byo/loadLayers';
import { parseModelFiles } from '../byo/modelFiles';
import { detectionBatch } from '../data/batches';
import { parseDataset } from '../data/custom/parse';
import { loadDigitsNode } from '../data/digitsNode';
import { validateCheckpoint, type Checkpoint } from '../engine/checkpoint';
import type { UserModelFiles } from '../engine/userModels';
import { parseRunFile } from '../share/runFile';
import { writeSafetensors } from '../share/safetensors';
import { buildStudent, type Task } from '../models/nets';
import { customSource } from '../train/dataSource';
import { EngineSession } from '../train/engineSession';
import { setModelWeights } from '../train/runState';
import { taskAdapter } from '../train/tasks';
import { readBundleZip } from './bundleZip';
import { checkpointFromJson } from './checkpointJson';
import { studentOutputDiff } from './studentOutputs.testkit';
import { noteWhenNoTorch, torchPython } from './torchPython.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('datasetReturn.test.ts (the way back from a dataset run)');

const VAL_COUNT = 1;
const TEST_COUNT = 2;
const sets = makeDatasetFixtures();
const userFiles = async (name: string): Promise<UserModelFiles> => ({ files: await fixture(name), label: name });

/** page_run.py's score of a net that returns the given NHWC outputs, on the split the final number is reported on. */
const FIXED_SCORE = String.raw`
import sys, json, torch
sys.path.insert(0, sys.argv[1])
from maskd_nn import read_safetensors
from page_run import PageReturn
fixed = read_safetensors(sys.argv[2])["output"].permute(0, 3, 1, 2)
class Fixed(torch.nn.Module):
    def forward(self, x):
        assert x.shape[0] == fixed.shape[0]
        return fixed
print(json.dumps(PageReturn(sys.argv[1]).score(Fixed(), "test", torch.device("cpu"))))
`;

interface Case {
  readonly task: Task;
  readonly set: 'seg-valid' | 'det-valid';
  readonly numClasses: number;
  readonly metric: string;
  /** Loads the run's teacher and student on the dataset. */
  readonly models: (session: EngineSession) => Promise<unknown>;
  /** A fresh model of the run's student. */
  readonly student: () => Promise<tf.LayersModel>;
}

const CASES: readonly Case[] = [
  {
    task: 'segmentation',
    set: 'seg-valid',
    numClasses: 3,
    metric: 'mIoU',
    models: async (session) => session.loadModels({ teacher: await userFiles('teacher-3class-32'), student: await userFiles('student-3class-32'), data: 'custom' }),
    student: async () => loadLayersFromParsed(parseModelFiles(await fixture('student-3class-32'), LIMITS)),
  },
  {
    task: 'detection',
    set: 'det-valid',
    numClasses: 2,
    metric: 'AP@0.5',
    models: (session) => session.trainTeacher(1, { task: 'detection', source: 'custom', steps: 2, batchSize: 4, lr: 0.01, seed: 3, evalEvery: 2, valCount: 2, valSeed: 1 }),
    student: () => Promise.resolve(buildStudent('detection', { inputShape: [32, 32, 3], numClasses: 2 })),
  },
];

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 2));
}

describe.each(CASES)('$task on $set', (c) => {
  const session = new EngineSession(() => {});
  let distilling: Promise<unknown> = Promise.resolve();
  let files: Record<string, Uint8Array> = {};
  let exported: Checkpoint & { kind: 'distill' };

  beforeAll(async () => {
    session.pools = loadDigitsNode();
    await session.loadDemoAt(c.task, 'http://127.0.0.1:1/', { inputSize: 64 });
    await session.loadDataset(sets[c.set].files, { inputSize: 32 });
    await c.models(session);
    // One mask step: the engine's step counter passes 2 only in Distill.
    await session.learnMasks(2, { numTokens: 2, steps: 1, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: false, seed: 1 });
    // 12 steps, paused after the 2nd or so: the hand-over is mid-run (the rate is not 0 yet).
    distilling = session.distill(3, { method: 'maskd', params: { customMask: false }, steps: 12, batchSize: 2, lr: 0.01, seed: 4, evalEvery: 1, valCount: VAL_COUNT, testCount: TEST_COUNT });
    await until(() => session.runState().step >= 2);
    session.pause();
    // On a slow machine the run may end first: its end checkpoint hands over just as well.
    await until(() => session.checkpoints.last?.reason === 'pause' || session.checkpoints.last?.reason === 'end');
    exported = session.checkpoints.last as Checkpoint & { kind: 'distill' };
    files = readBundleZip(new Uint8Array((await session.exportPytorch()).bytes));
  }, 180_000);
  afterAll(async () => {
    session.stop();
    await distilling;
    session.dispose();
  });

  it('the zip carries page.json: the run student\'s page names, scored on the dataset\'s validation split', () => {
    const page = JSON.parse(new TextDecoder().decode(files['page.json'])) as {
      eval: Record<string, unknown>;
      arrays: { student: { name: string; shape: number[]; key: string }[]; optimizer: { moments: unknown[] } };
      checkpoint: { step: number };
    };
    expect(files['heldout.safetensors']).toBeUndefined();
    expect(files['page_run.py']).toBeDefined();
    expect(page.eval).toMatchObject({ metric: c.metric, task: c.task, numClasses: c.numClasses, dataset: { file: 'dataset.safetensors' }, val: { split: 'val', count: VAL_COUNT }, test: { split: 'val', count: TEST_COUNT } });
    expect(page.checkpoint.step).toBe(exported.step);
    expect(page.arrays.student.map((a) => `${a.name}:${a.shape.join('x')}`)).toEqual(exported.student!.map((a) => `${a.name}:${a.shape.join('x')}`));
    expect(page.arrays.student.every((a) => a.key.startsWith('student.'))).toBe(true);
    // Adam: the iteration count, then m and v of every trainable weight.
    expect(page.arrays.optimizer.moments).toHaveLength(exported.optimizer.length - 1);
  });

  it.skipIf(!torchPython)('train.py: 2 PyTorch steps with --eval-every 1, and back', async () => {
    const k0 = exported.step;
    const dir = mkdtempSync(join(tmpdir(), `pt-back-${c.set}-`));
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
    const out = join(dir, 'out');
    const r = spawnSync(torchPython!, [join(dir, 'train.py'), '--steps', '2', '--eval-every', '1', '--json', '--out', out], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    expect(r.status, r.stderr).toBe(0);
    const steps = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { step: number; metric?: { name: string; value: number } });
    expect(steps.map((s) => s.step)).toEqual([k0 + 1, k0 + 2]);
    expect(steps.every((s) => s.metric?.name === c.metric)).toBe(true);
    expect(r.stderr).toMatch(/the dataset has no test split: the final student is scored on its val split \(2 images\)/);

    const text = readFileSync(join(out, `maskd-run-${c.task}-step${k0 + 2}.json`), 'utf8');
    const parsed = parseRunFile(text);
    expect(parsed.config.task).toBe(c.task);
    expect(parsed.checkpoint?.step).toBe(k0 + 2);
    const file = JSON.parse(text) as { handover: unknown; result: { value: number } | null; checkpoint: unknown };
    expect(file.handover).toMatchObject({ step: k0, engine: 'pytorch', processes: 1, device: 'cpu' });
    expect(file.result).toMatchObject({ split: 'val', metric: c.metric, step: k0 + 2, scenes: TEST_COUNT });
    const back = validateCheckpoint(checkpointFromJson(JSON.stringify(file.checkpoint)));
    expect(back).toMatchObject({ kind: 'distill', step: k0 + 2, total: Math.max(12, k0 + 2), backend: 'pytorch', task: c.task, inputSize: 32 });
    for (const part of ['student', 'align', 'optimizer'] as const) {
      expect(back[part]!.map((a) => `${a.name}:${a.shape.join('x')}`), part).toEqual(exported[part]!.map((a) => `${a.name}:${a.shape.join('x')}`));
    }
    expect(back.optimizer[0].data[0]).toBe(k0 + 2);
    expect(back.history.map((h) => h.step)).toEqual(Array.from({ length: k0 + 2 }, (_, i) => i + 1));

    // The returned student in a copy of the run's student = the PyTorch student's outputs.
    const student = await c.student();
    setModelWeights(student, back.student!, 'student');
    const outDiff = studentOutputDiff(dir, join(out, 'student.safetensors'), student, [2, 32, 32, 3], 7);

    // train.py's numbers = the page's metric of that student on the page's own images of the dataset.
    const source = customSource(await parseDataset(sets[c.set].files, { inputSize: 32 }));
    const adapter = taskAdapter(c.task, c.numClasses);
    const predict = (im: tf.Tensor4D) => student.predict(im) as tf.Tensor4D;
    const pageVal = (await adapter.evaluate(predict, source.valSet(VAL_COUNT), 8)).primary;
    const pageFinal = (await adapter.evaluate(predict, source.testSet(TEST_COUNT), 8)).primary;
    student.dispose();
    const valDiff = Math.abs(pageVal - steps[1].metric!.value);
    const finalDiff = Math.abs(pageFinal - file.result!.value);
    console.log(JSON.stringify({ datasetReturn: `${c.task} on ${c.set}`, k0, outDiff, pageVal, valDiff, pageFinal, finalDiff }));
    expect(outDiff).toBeLessThan(1e-5);
    expect(valDiff).toBeLessThan(1e-6);
    expect(finalDiff).toBeLessThan(1e-6);
    if (c.task !== 'detection') return;

    // A student this young finds no box (AP 0 on both sides): the dataset's boxes as truth, the
    // decode and AP are checked on outputs that do find some, the CenterNet targets of the same
    // images made noisy (seeded): page_run.py's AP@0.5 = the page's.
    const scenes = source.testSet(TEST_COUNT);
    const b = detectionBatch(scenes, { numClasses: c.numClasses });
    const fixed = tf.tidy(() => {
      const logits = tf.log(tf.div(b.heatmap.clipByValue(1e-4, 1 - 1e-4), tf.sub(1, b.heatmap.clipByValue(1e-4, 1 - 1e-4))));
      // Peaks blurred, false ones in the background, sizes off by up to 60% (some below IoU 0.5).
      const heat = tf.maximum(logits.add(tf.randomUniform(logits.shape, -4, 1, 'float32', 11)), tf.randomUniform(logits.shape, -8, 0, 'float32', 13));
      const size = b.size.mul(tf.randomUniform(b.size.shape, 0.4, 1.6, 'float32', 12));
      return tf.concat([heat, size, b.offset], 3);
    });
    tf.dispose([b.images, b.heatmap, b.size, b.offset, b.mask]);
    writeFileSync(join(dir, 'fixed.safetensors'), writeSafetensors({ output: { dtype: 'F32', shape: fixed.shape, data: fixed.dataSync() as Float32Array } }));
    const f = spawnSync(torchPython!, ['-c', FIXED_SCORE, dir, join(dir, 'fixed.safetensors')], { encoding: 'utf8' });
    expect(f.status, f.stderr).toBe(0);
    const pageFixed = (await adapter.evaluate(() => fixed.clone() as tf.Tensor4D, scenes, 8)).primary;
    fixed.dispose();
    const fixedDiff = Math.abs(pageFixed - (JSON.parse(f.stdout) as number));
    console.log(JSON.stringify({ datasetReturn: 'detection AP of noisy targets', pageFixed, fixedDiff }));
    expect(pageFixed).toBeGreaterThan(0.05);
    expect(pageFixed).toBeLessThan(1);
    expect(fixedDiff).toBeLessThan(1e-6);
  }, 180_000);
});
