// train.py under torchrun: two gloo processes, each with half of every global batch, take the
// same steps as one process with the whole batch (BatchNorm on the global batch's statistics,
// CenterNet's normalisers summed over the ranks, DDP's mean of the gradients), and the page's
// engine takes the same steps too. Detection MasKD with token weights and the custom mask on.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METHOD_DEFAULTS } from '../maskd/methods';
import { demoBundle, readState, stateOf } from './runBundle.testkit';
import { noteWhenNoTorch, torchPython, torchrunTwo } from './torchPython.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('trainDdp.test.ts');

const STEPS = 3;
const LR = 2e-3;

interface StepLine {
  step: number;
  task: number;
  distill: number;
  total: number;
}

function run(args: string[]): StepLine[] {
  const r = spawnSync(torchPython!, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  // torchrun's --tee prefixes each line with its rank ([default0]:).
  return r.stdout.trim().split('\n').map((l) => l.replace(/^\[default\d+\]:/, '')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as StepLine);
}

function maxDiff(a: Record<string, Float32Array>, b: Record<string, Float32Array>): number {
  let m = 0;
  for (const [k, v] of Object.entries(a)) {
    expect(b[k], k).toBeDefined();
    for (let i = 0; i < v.length; i++) {
      m = Math.max(m, Math.abs(v[i] - b[k][i]));
    }
  }
  return m;
}

describe.skipIf(!torchPython)('train.py under torchrun (2 gloo processes) = 1 process = the page', () => {
  it(`${STEPS} steps of detection MasKD, global batch 4`, async () => {
    const { dir, distiller, student, dispose } = await demoBundle({
      task: 'detection',
      method: 'maskd',
      params: { ...METHOD_DEFAULTS.maskd, customMaskWarmupShare: 0.1 },
      batch: 4,
      recorded: STEPS,
      seed: 9,
      lr: LR,
      totalSteps: 20,
    });
    const page: number[] = [];
    for (let i = 0; i < STEPS; i++) page.push((await distiller.trainStep()).losses.total);
    const pageState = { ...stateOf(student), ...stateOf(distiller.align) };
    dispose();

    const train = join(dir, 'train.py');
    const one = run([train, '--steps', String(STEPS), '--json', '--out', join(dir, 'one')]);
    // --redirects 1 --tee 1: torch 1.13's torchrun fails on Python 3.11 with its default "0" (Std.NONE
    // is not iterated there); these keep rank 0's stdout on ours.
    const two = run([...torchrunTwo(), '--redirects', '1', '--tee', '1', train, '--steps', String(STEPS), '--json', '--out', join(dir, 'two')]);
    expect(two.map((l) => l.step)).toEqual([1, 2, 3]);
    const states = (sub: string) => ({ ...readState(join(dir, sub, 'student.safetensors')), ...readState(join(dir, sub, 'align.safetensors')) });
    const oneState = states('one');
    const twoState = states('two');
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    const lossTwoVsOne = Math.max(...two.map((l, i) => rel(l.total, one[i].total)));
    const lossOneVsPage = Math.max(...one.map((l, i) => rel(l.total, page[i])));
    const weightsTwoVsOne = maxDiff(twoState, oneState);
    const weightsOneVsPage = maxDiff(oneState, pageState);
    console.log(JSON.stringify({ lossTwoVsOne, lossOneVsPage, weightsTwoVsOne, weightsOneVsPage, losses: one.map((l) => l.total) }));
    expect(lossTwoVsOne).toBeLessThan(1e-5);
    expect(weightsTwoVsOne).toBeLessThan(LR * 1e-2);
    // Against the page: the hand-over tolerance on the loss. Measured here (seed 9, the
    // custom mask on from the 3rd step): 1.2e-5 relative, and weights within 0.1·lr: a few weights
    // whose gradients nearly cancel get a different float32 rounding on each side, and Adam, which
    // divides each gradient by its own size, turns a relative error there into a move of that
    // share of lr. One step from the same state agrees to ~1e-3·lr (trainStep.test.ts).
    expect(lossOneVsPage).toBeLessThan(1e-4);
    expect(weightsOneVsPage).toBeLessThan(LR / 4);
  }, 300_000);
});
