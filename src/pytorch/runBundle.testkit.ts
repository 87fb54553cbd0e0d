// A demo run bundle for the train.py tests: the shipped teacher and tokens, a demo student, the
// Distiller's fresh align module and Adam, recorded batches of the page's data stream, written to
// a fresh folder. The Distiller is returned so a test can take the page's own steps from the same state.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDigitsNode } from '../data/digitsNode';
import type { TokensFile } from '../engine/tokens';
import { createMethod, type MethodName } from '../maskd/methods';
import { ReceptiveTokens } from '../maskd/tokens';
import { TokenWeightBranch } from '../maskd/tokenWeights';
import { buildStudent, DET_HEAT_CHANNELS, SEG_CLASSES, TAP_LAYER, type Task } from '../models/nets';
import { splitAtLayer } from '../models/split';
import { readSafetensors } from '../share/safetensors';
import { demoSource, sceneForSize } from '../train/demo';
import { Distiller } from '../train/distillStage';
import { loadShippedTeacher, teacherDir } from '../train/shippedTeacherNode';
import { taskAdapter } from '../train/tasks';
import { layerGraph } from './graph';
import { generateModule } from './moduleSource';
import { recordBatches } from './recordBatches';
import { adamStateForTorch } from './adamState';
import { buildRunBundle, type RunBundleInput } from './runBundle';
import { readOptimizerState } from '../train/runState';
import { reseedKernels } from '../train/seededInit';

export interface BundleCase {
  task: Task;
  method: MethodName;
  params: Record<string, number | boolean>;
  batch: number;
  /** Recorded global batches (from the bundle's step on). */
  recorded: number;
  seed: number;
  lr: number;
  totalSteps: number;
}

function writeAll(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
}

/** Float32 state dict of `model` under its generated module's names. */
export function stateOf(model: tf.LayersModel): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(generateModule(layerGraph(model)).state).filter(([, t]) => t.dtype === 'F32').map(([k, t]) => [k, t.data as Float32Array]));
}

export function readState(path: string): Record<string, Float32Array> {
  const file = readSafetensors(new Uint8Array(readFileSync(path)));
  return Object.fromEntries([...file.tensors].filter(([, t]) => t.dtype === 'F32').map(([k, t]) => [k, t.data as Float32Array]));
}

/** The demo's models and a Distiller at step 0 (nothing written yet). */
export async function demoRun(c: BundleCase) {
  const pools = loadDigitsNode();
  const source = demoSource(pools, c.task, 64);
  const scenes = (step: number) => source.trainBatch(c.seed, step, c.batch);
  const teacher = await loadShippedTeacher(c.task);
  const student = buildStudent(c.task);
  const file = JSON.parse(readFileSync(`${teacherDir(c.task)}tokens.json`, 'utf8')) as TokensFile;
  const tokens = c.method === 'maskd' ? ReceptiveTokens.deserialize(file.tokens) : null;
  const branch = c.method === 'maskd' && file.branch ? TokenWeightBranch.deserialize(file.branch) : null;
  const distiller = new Distiller({
    teacher: splitAtLayer(teacher, TAP_LAYER),
    student,
    adapter: taskAdapter(c.task),
    method: createMethod(c.method, c.params),
    scenes,
    steps: c.totalSteps,
    lr: c.lr,
    tokens,
    branch,
  });
  // Seeded kernels: the same start every run. (Adam's first steps divide each gradient by its own
  // size, so a weight whose gradient is rounding noise, ~1e-9, can move by up to lr on either side:
  // a fresh random start could now and then put one there and the weight checks would flake.)
  reseedKernels(student, c.seed);
  reseedKernels(distiller.align, c.seed + 1);
  const numClasses = c.task === 'segmentation' ? SEG_CLASSES : DET_HEAT_CHANNELS;
  const dispose = () => {
    distiller.dispose();
    tokens?.dispose();
    branch?.dispose();
    teacher.dispose();
    student.dispose();
  };
  return { c, teacher, student, distiller, file, scenes, pools, numClasses, dispose };
}

export type DemoRun = Awaited<ReturnType<typeof demoRun>>;

/** Writes the bundle of `run`'s current state (its Distiller's step) with batches from that step on. */
export async function writeBundle(run: DemoRun, extra: Pick<RunBundleInput, 'history' | 'check'> = { history: [] }): Promise<string> {
  const { c, distiller } = run;
  const dir = mkdtempSync(join(tmpdir(), `pt-run-${c.task}-${c.method}-`));
  const step = distiller.step;
  const optimizer = step > 0 ? await readOptimizerState(distiller.optimizer) : null;
  writeAll(
    dir,
    buildRunBundle({
      task: c.task,
      numClasses: run.numClasses,
      teacher: run.teacher,
      student: run.student,
      align: distiller.align,
      tap: { teacher: TAP_LAYER, student: TAP_LAYER },
      method: { name: c.method, params: c.params },
      tokens: c.method === 'maskd' ? { tokens: run.file.tokens, branch: run.file.branch } : undefined,
      schedule: { baseLr: c.lr, totalSteps: c.totalSteps, step },
      optimizer: { beta1: 0.9, beta2: 0.999, epsilon: tf.backend().epsilon() },
      ...(optimizer ? { optimizerState: adamStateForTorch(optimizer, [{ role: 'student', model: run.student }, { role: 'align', model: distiller.align }]) } : {}),
      seed: c.seed,
      ...extra,
      scenes: { pool: run.pools.train, seed: c.seed, batch: c.batch, scene: sceneForSize(64) },
      batches: recordBatches(c.task, run.numClasses, run.scenes, step, c.recorded),
    }),
  );
  return dir;
}

/** Writes the bundle at step 0; returns its folder, the Distiller and a disposer. */
export async function demoBundle(c: BundleCase) {
  const run = await demoRun(c);
  const dir = await writeBundle(run);
  return { dir, distiller: run.distiller, student: run.student, dispose: run.dispose };
}
