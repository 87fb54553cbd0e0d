// npm run export:pytorch -- --from <checkpoint.json | run file> --out <dir> [--record N] [--check N] [--models <dir>]
//
// Writes the run bundle of a demo run (src/pytorch/fromCheckpoint.ts): generated PyTorch modules
// and state dicts, tokens, Adam's state, run.json, the next N global batches and train.py. --from
// is a stage-2 checkpoint as JSON, or a page run file (src/pytorch/fromRunFile.ts): with a
// checkpoint (formatVersion 2) it goes on from there, without one it starts at step 0 from the
// demo student's init (seeded kernels, the shipped pretrained backbone) with the file's tokens
// and Distill settings. --check N: the page's own next N steps, taken here from a throwaway
// copy, for `train.py --check` (default 10; 0: none). The teacher is <models>/<task>-teacher/
// (model.json + weights.bin; default public/models/, the shipped 64×64 teachers). See docs/pytorch.md.
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadDigitsNode } from '../src/data/digitsNode';
import type { DigitPools } from '../src/data/digits';
import type { Checkpoint } from '../src/engine/checkpoint';
import '../src/models/resizeLayer';
import { buildStudent, TAP_LAYER } from '../src/models/nets';
import { splitAtLayer } from '../src/models/split';
import { RUN_FORMAT, parseRunFile } from '../src/share/runFile';
import { checkpointFromJson } from '../src/pytorch/checkpointJson';
import { bundleFromCheckpoint } from '../src/pytorch/fromCheckpoint';
import { runFileCheckpoint } from '../src/pytorch/fromRunFile';
import { pageNextSteps, PAGE_CHECK_STEPS } from '../src/pytorch/pageCheck';
import { demoSource } from '../src/train/demo';
import { loadShippedTeacher, teacherDir } from '../src/train/shippedTeacherNode';
import { taskAdapter } from '../src/train/tasks';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The shipped student backbone's files (a copy of the bytes: readFileSync may return a view into a shared pool). */
function shippedBackbone(): { manifest: unknown; bytes: ArrayBuffer } | null {
  const dir = resolve('public/models/student-backbone');
  if (!existsSync(join(dir, 'meta.json'))) return null;
  return { manifest: JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')), bytes: new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer };
}

/** The page's next `steps` steps from `cp` on the demo's data, with a fresh built-in student. */
async function pageCheck(cp: Checkpoint & { kind: 'distill' }, teacher: tf.LayersModel, pools: DigitPools, steps: number) {
  const size = cp.inputSize;
  const student = buildStudent(cp.task, { inputShape: [size, size, 3] });
  const source = demoSource(pools, cp.task, size);
  try {
    return await pageNextSteps(cp, { teacher: splitAtLayer(teacher, TAP_LAYER), student, adapter: taskAdapter(cp.task), scenes: (k) => source.trainBatch(cp.config.seed, k, cp.config.batchSize) }, steps);
  } finally {
    student.dispose();
  }
}

async function main(): Promise<void> {
  const from = arg('from');
  const out = arg('out');
  if (!from || !out) throw new Error('usage: npm run export:pytorch -- --from <checkpoint.json | run file> --out <dir> [--record N] [--check N] [--models <dir>]');
  await tf.setBackend('cpu');
  const text = readFileSync(from, 'utf8');
  const runFile = (JSON.parse(text) as { format?: unknown }).format === RUN_FORMAT ? parseRunFile(text) : null;
  const task = runFile ? runFile.config.task : null;
  const models = arg('models');
  const load = async (t: Checkpoint['task']) => {
    const dir = teacherDir(t, models ? resolve(models) : undefined);
    return loadShippedTeacher(t, models ? resolve(models) : undefined).catch((e: unknown) => {
      throw new Error(`no teacher in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    });
  };
  let teacher = task ? await load(task) : null;
  const cp = runFile ? await runFileCheckpoint(runFile, teacher!, shippedBackbone()) : checkpointFromJson(text);
  if (cp.kind !== 'distill') throw new Error('only a distillation (stage 2) checkpoint continues in PyTorch');
  if (!models && cp.inputSize !== 64) throw new Error(`the run's demo runs at ${cp.inputSize}×${cp.inputSize}; the shipped teachers are 64×64: pass --models <dir> holding the run's ${cp.task}-teacher/`);
  teacher ??= await load(cp.task);
  const pools = loadDigitsNode();
  const checkSteps = Number(arg('check') ?? PAGE_CHECK_STEPS);
  const check = checkSteps > 0 ? await pageCheck(cp, teacher, pools, checkSteps) : undefined;
  const record = arg('record');
  const files = bundleFromCheckpoint(cp, { teacher, pools, ...(record ? { recordSteps: Number(record) } : {}), ...(check ? { check } : {}) });
  teacher.dispose();
  mkdirSync(out, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(join(out, name), data);
  const start = runFile && !runFile.checkpoint ? ' (from the run file\'s settings and tokens, the demo student\'s init)' : '';
  console.log(`wrote ${Object.keys(files).length} files to ${out}: ${cp.task} ${cp.config.method}, step ${cp.step} of ${cp.total}${start}; next: cd ${out} && python train.py --steps 10`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
