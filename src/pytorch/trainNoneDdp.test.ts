// The student alone ('none') under torchrun. The page never runs the align module for it, so
// Adam (which makes a variable's moments at its first gradient) holds moments for the student
// only: the bundle gives the align module zero moments, and train.py freezes it, or DDP would wait
// for its gradients and stop at the second step ("Expected to have finished reduction").
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOptimizerState } from '../train/runState';
import { adamStateForTorch } from './adamState';
import { demoRun, writeBundle } from './runBundle.testkit';
import { noteWhenNoTorch, torchPython, torchrunTwo } from './torchPython.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('trainNoneDdp.test.ts');

const CASE = { task: 'segmentation', method: 'none', params: {}, batch: 4, recorded: 2, seed: 5, lr: 2e-3, totalSteps: 20 } as const;

function totals(args: string[]): number[] {
  const r = spawnSync(torchPython!, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  return r.stdout.trim().split('\n').map((l) => l.replace(/^\[default\d+\]:/, '')).filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { total: number }).total);
}

describe('Adam state of the student alone', () => {
  it('covers the student only; the align module gets zero moments', async () => {
    const run = await demoRun({ ...CASE });
    try {
      await run.distiller.trainStep();
      const state = await readOptimizerState(run.distiller.optimizer);
      const n = run.student.trainableWeights.length;
      expect(state.length).toBe(1 + 2 * n);
      const torch = adamStateForTorch(state, [{ role: 'student', model: run.student }, { role: 'align', model: run.distiller.align }]);
      const align = Object.entries(torch).filter(([k]) => k.includes('.align.'));
      expect(align.map(([k]) => k).sort()).toEqual(['exp_avg.align.align_conv.bias', 'exp_avg.align.align_conv.weight', 'exp_avg_sq.align.align_conv.bias', 'exp_avg_sq.align.align_conv.weight']);
      for (const [, t] of align) expect(Array.from(t.data as Float32Array).every((v) => v === 0)).toBe(true);
      const student = Object.entries(torch).filter(([k]) => k.startsWith('exp_avg_sq.student.'));
      expect(student.some(([, t]) => Array.from(t.data as Float32Array).some((v) => v > 0))).toBe(true);
      // A state that fits neither the student alone nor student + align is still refused.
      expect(() => adamStateForTorch(state.slice(0, -1), [{ role: 'student', model: run.student }, { role: 'align', model: run.distiller.align }])).toThrow(/moments/);
    } finally {
      run.dispose();
    }
  });
});

describe.skipIf(!torchPython)('train.py: the student alone under torchrun', () => {
  it('2 gloo processes after 2 page steps take the page\'s steps 3–4, as 1 process does', async () => {
    const run = await demoRun({ ...CASE, recorded: 4 });
    let dir: string;
    const page: number[] = [];
    try {
      for (let i = 0; i < 2; i++) await run.distiller.trainStep();
      dir = await writeBundle(run);
      for (let i = 0; i < 2; i++) page.push((await run.distiller.trainStep()).losses.total);
    } finally {
      run.dispose();
    }
    const train = join(dir, 'train.py');
    const one = totals([train, '--steps', '2', '--json', '--no-test', '--out', join(dir, 'one')]);
    const two = totals([...torchrunTwo(), '--redirects', '1', '--tee', '1', train, '--steps', '2', '--json', '--no-test', '--out', join(dir, 'two')]);
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    console.log(JSON.stringify({ page, one, two }));
    expect(two).toHaveLength(2);
    expect(Math.max(...two.map((v, i) => rel(v, one[i])))).toBeLessThan(1e-5);
    expect(Math.max(...one.map((v, i) => rel(v, page[i])))).toBeLessThan(1e-4);
  }, 180_000);
});
