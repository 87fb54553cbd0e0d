// train.py against the page's engine: from the same state (the shipped teacher and tokens, a demo
// student, a fresh align module and Adam) and the same batch, one step of each method must give
// the same losses and the same updated student and align weights (BatchNorm statistics included).
// The engine runs on TF.js's cpu backend; train.py in float32 on CPU.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MASKD_PRESETS, METHOD_DEFAULTS, type MethodName } from '../maskd/methods';
import type { Task } from '../models/nets';
import { demoBundle, readState, stateOf } from './runBundle.testkit';
import { noteWhenNoTorch, torchPython } from './torchPython.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('trainStep.test.ts');

const LR = 2e-3;

interface Case {
  task: Task;
  method: MethodName;
  params: Record<string, number | boolean>;
  /**
   * Parameters the loss does not depend on: CWD's softmax over pixels ignores a constant added to
   * a channel, so the align conv's bias has a zero gradient and both sides hold only rounding
   * noise (~1e-9) there, which Adam's first step turns into updates of any size up to lr
   * (lr·g/(|g| + 1e-7)). They are checked to stay within lr of where they were.
   */
  invariant?: readonly string[];
}

const CASES: Case[] = [
  { task: 'segmentation', method: 'maskd', params: { ...MASKD_PRESETS.segmentation } },
  // Token weights (the shipped detection tokens have the branch) and the custom mask from step 0.
  { task: 'detection', method: 'maskd', params: { ...METHOD_DEFAULTS.maskd, customMaskWarmupShare: 0 } },
  { task: 'segmentation', method: 'cwd', params: { ...METHOD_DEFAULTS.cwd }, invariant: ['align.align_conv.bias'] },
  { task: 'detection', method: 'fitnet', params: { ...METHOD_DEFAULTS.fitnet } },
  { task: 'detection', method: 'none', params: {} },
];

async function oneStep(c: Case) {
  const { dir, distiller, student, dispose } = await demoBundle({ ...c, batch: 4, recorded: 1, seed: 5, lr: LR, totalSteps: 20 });
  const before = { ...stateOf(student), ...stateOf(distiller.align) };
  const { losses } = await distiller.trainStep();
  const after = { student: stateOf(student), align: stateOf(distiller.align) };
  dispose();

  const r = spawnSync(torchPython!, [join(dir, 'train.py'), '--steps', '1', '--json', '--out', join(dir, 'out')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`train.py failed: ${r.stderr}`);
  const py = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { task: number; distill: number; total: number };
  let maxDiff = 0;
  let maxMove = 0;
  let keys = 0;
  let worst = '';
  for (const role of ['student', 'align'] as const) {
    const got = readState(join(dir, 'out', `${role}.safetensors`));
    for (const [k, want] of Object.entries(after[role])) {
      const g = got[k];
      expect(g, `${role}.${k}`).toBeDefined();
      const was = before[k];
      if (c.invariant?.includes(`${role}.${k}`)) {
        for (let i = 0; i < want.length; i++) expect(Math.abs(g[i] - was[i])).toBeLessThanOrEqual(LR * 1.0001);
        continue;
      }
      for (let i = 0; i < want.length; i++) {
        if (Math.abs(g[i] - want[i]) > maxDiff) worst = `${role}.${k}[${i}]: ${g[i]} vs ${want[i]} (was ${was[i]})`;
        maxDiff = Math.max(maxDiff, Math.abs(g[i] - want[i]));
        maxMove = Math.max(maxMove, Math.abs(want[i] - was[i]));
      }
      keys++;
    }
  }
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
  return { worst, task: rel(py.task, losses.task), distill: c.method === 'none' ? Math.abs(py.distill) : rel(py.distill, losses.distill), total: rel(py.total, losses.total), maxDiff, maxMove, keys };
}

describe.skipIf(!torchPython)('train.py takes the same step as the page (cpu backend, float32)', () => {
  it.each(CASES)('$task $method: same losses and updated weights after one step', async (c) => {
    const r = await oneStep(c);
    console.log(JSON.stringify({ case: `${c.task} ${c.method}`, ...r }));
    expect(r.keys).toBeGreaterThan(10);
    expect(r.total).toBeLessThan(1e-5);
    expect(r.task).toBeLessThan(1e-5);
    expect(r.distill).toBeLessThan(1e-5);
    // The update of Adam's first step is ±lr for every weight whose gradient is well above its
    // epsilon; BatchNorm's moving statistics move by 10% of the batch statistics.
    expect(r.maxMove).toBeGreaterThan(LR / 2);
    expect(r.maxDiff).toBeLessThan(LR * 1e-2);
  }, 120_000);
});
