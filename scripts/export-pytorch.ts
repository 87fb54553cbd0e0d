// npm run export:pytorch -- --from <checkpoint.json> --out <dir> [--record N] [--models <dir>]
//
// Writes the run bundle of a stage-2 checkpoint of a demo run (src/pytorch/fromCheckpoint.ts):
// generated PyTorch modules and state dicts, tokens, Adam's state, run.json, the next N global
// batches and train.py. The teacher is <models>/<task>-teacher/ (model.json + weights.bin; default
// public/models/, the shipped 64×64 teachers). See docs/pytorch.md.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadDigitsNode } from '../src/data/digitsNode';
import '../src/models/resizeLayer';
import { checkpointFromJson } from '../src/pytorch/checkpointJson';
import { bundleFromCheckpoint } from '../src/pytorch/fromCheckpoint';
import { loadShippedTeacher, teacherDir } from '../src/train/shippedTeacherNode';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const from = arg('from');
  const out = arg('out');
  if (!from || !out) throw new Error('usage: npm run export:pytorch -- --from <checkpoint.json> --out <dir> [--record N] [--teacher <dir>]');
  await tf.setBackend('cpu');
  const cp = checkpointFromJson(readFileSync(from, 'utf8'));
  const models = arg('models');
  if (!models && cp.inputSize !== 64) throw new Error(`the checkpoint's demo runs at ${cp.inputSize}×${cp.inputSize}; the shipped teachers are 64×64: pass --models <dir> holding the run's ${cp.task}-teacher/`);
  const dir = teacherDir(cp.task, models ? resolve(models) : undefined);
  const teacher = await loadShippedTeacher(cp.task, models ? resolve(models) : undefined).catch((e: unknown) => {
    throw new Error(`no teacher in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  });
  const record = arg('record');
  const files = bundleFromCheckpoint(cp, { teacher, pools: loadDigitsNode(), ...(record ? { recordSteps: Number(record) } : {}) });
  teacher.dispose();
  mkdirSync(out, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(join(out, name), data);
  console.log(`wrote ${Object.keys(files).length} files to ${out}: ${cp.task} ${cp.kind === 'distill' ? cp.config.method : ''}, step ${cp.step} of ${cp.total}; next: cd ${out} && python train.py --steps 10`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
