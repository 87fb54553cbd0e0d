// train.py past the recorded batches: a MasKD bundle at step 0 (segmentation; detection with token
// weights and the custom mask from step 2) records one global batch; steps 2 and 3 are drawn by scenes.py from the bundle's digits, in the page's order. The
// 3 steps must be the page's (same losses and weights), with 1 process and with 2 under torchrun.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MASKD_PRESETS, METHOD_DEFAULTS } from '../maskd/methods';
import type { RunHistoryEntry } from './runBundle';
import { demoRun, readState, stateOf, writeBundle } from './runBundle.testkit';
import { noteWhenNoTorch, torchPython, torchrunTwo } from './torchPython.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('trainScenes.test.ts');

const LR = 2e-3;

function steps(args: string[]): RunHistoryEntry[] {
  const r = spawnSync(torchPython!, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  return r.stdout.trim().split('\n').map((l) => l.replace(/^\[default\d+\]:/, '')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as RunHistoryEntry);
}

describe.skipIf(!torchPython)('train.py draws the page\'s scenes past the recorded batches', () => {
  it.each([
    { task: 'segmentation' as const, params: { ...MASKD_PRESETS.segmentation } },
    { task: 'detection' as const, params: { ...METHOD_DEFAULTS.maskd } },
  ])('$task MasKD: 1 recorded + 2 drawn steps = the page\'s 3 steps, 1 and 2 processes', async ({ task, params }) => {
    const run = await demoRun({ task, method: 'maskd', params, batch: 4, recorded: 1, seed: 17, lr: LR, totalSteps: 20 });
    const dir = await writeBundle(run);
    const page: number[] = [];
    for (let i = 0; i < 3; i++) page.push((await run.distiller.trainStep()).losses.total);
    const pageState = { ...stateOf(run.student), ...stateOf(run.distiller.align) };
    run.dispose();
    const train = join(dir, 'train.py');
    const one = steps([train, '--steps', '3', '--json', '--out', join(dir, 'one')]);
    const two = steps([...torchrunTwo(), '--redirects', '1', '--tee', '1', train, '--steps', '3', '--json', '--out', join(dir, 'two')]);
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    const lossVsPage = Math.max(...one.map((l, i) => rel(l.total, page[i])));
    const lossTwoVsOne = Math.max(...two.map((l, i) => rel(l.total, one[i].total)));
    const state = (sub: string) => ({ ...readState(join(dir, sub, 'student.safetensors')), ...readState(join(dir, sub, 'align.safetensors')) });
    const diff = (a: Record<string, Float32Array>, b: Record<string, Float32Array>) => {
      let m = 0;
      for (const [k, v] of Object.entries(a)) for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] - b[k][i]));
      return m;
    };
    const oneState = state('one');
    const weightsVsPage = diff(oneState, pageState);
    const weightsTwoVsOne = diff(state('two'), oneState);
    console.log(JSON.stringify({ lossVsPage, lossTwoVsOne, weightsVsPage, weightsTwoVsOne }));
    expect(one.map((l) => l.step)).toEqual([1, 2, 3]);
    expect(lossVsPage).toBeLessThan(1e-5);
    expect(lossTwoVsOne).toBeLessThan(1e-5);
    expect(weightsVsPage).toBeLessThan(LR * 1e-2);
    expect(weightsTwoVsOne).toBeLessThan(LR * 1e-2);
  }, 300_000);
});
