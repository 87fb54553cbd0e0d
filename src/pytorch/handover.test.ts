// The hand-over: the page distils a few steps, the bundle takes its state at that point (student,
// align, Adam's moments and step, schedule position), and train.py continues. The page's own next
// steps, taken from the same state, are recorded in run.json; `train.py --check` must agree with
// them (1e-4 relative at the first step, 1e-3 after), and the weights after the continued steps
// must be the page's.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MASKD_PRESETS, METHOD_DEFAULTS } from '../maskd/methods';
import type { RunHistoryEntry } from './runBundle';
import { demoRun, readState, stateOf, writeBundle, type BundleCase } from './runBundle.testkit';
import { noteWhenNoTorch, torchPython } from './torchPython.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('handover.test.ts');

const BEFORE = 3;
const AFTER = 3;

const CASES: Omit<BundleCase, 'batch' | 'recorded' | 'seed' | 'lr' | 'totalSteps'>[] = [
  { task: 'segmentation', method: 'maskd', params: { ...MASKD_PRESETS.segmentation } },
  // The custom mask switches on at step round(0.2 · 20) = 4, after the hand-over.
  { task: 'detection', method: 'maskd', params: { ...METHOD_DEFAULTS.maskd, customMaskWarmupShare: 0.2 } },
];

describe.skipIf(!torchPython)('hand-over to train.py after steps on the page', () => {
  it.each(CASES)('$task $method: --check agrees with the page and the weights follow', async (base) => {
    const run = await demoRun({ ...base, batch: 4, recorded: AFTER, seed: 11, lr: 3e-3, totalSteps: 20 });
    const history: RunHistoryEntry[] = [];
    for (let i = 0; i < BEFORE; i++) {
      const r = await run.distiller.trainStep();
      history.push({ step: r.step, ...r.losses, where: 'browser' });
    }
    // The page's next steps, as the export takes them from a throwaway copy: here, after writing.
    const dir = await writeBundle(run, { history, check: [] });
    const check: RunHistoryEntry[] = [];
    for (let i = 0; i < AFTER; i++) {
      const r = await run.distiller.trainStep();
      check.push({ step: r.step, ...r.losses, where: 'browser' });
    }
    const pageState = { ...stateOf(run.student), ...stateOf(run.distiller.align) };
    run.dispose();
    // Put the page's steps into run.json as the export does.
    const runJson = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...runJson, check }));

    const r = spawnSync(torchPython!, [join(dir, 'train.py'), '--check'], { encoding: 'utf8' });
    console.log(r.stdout);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/hand-over check: passed/);

    const cont = spawnSync(torchPython!, [join(dir, 'train.py'), '--steps', String(AFTER), '--json', '--out', join(dir, 'out')], { encoding: 'utf8' });
    expect(cont.status, cont.stderr).toBe(0);
    const lines = cont.stdout.trim().split('\n').map((l) => JSON.parse(l) as RunHistoryEntry);
    expect(lines.map((l) => l.step)).toEqual([BEFORE + 1, BEFORE + 2, BEFORE + 3]);
    const ours = { ...readState(join(dir, 'out', 'student.safetensors')), ...readState(join(dir, 'out', 'align.safetensors')) };
    let maxDiff = 0;
    for (const [k, v] of Object.entries(pageState)) for (let i = 0; i < v.length; i++) maxDiff = Math.max(maxDiff, Math.abs(v[i] - ours[k][i]));
    const lossRel = Math.max(...lines.map((l, i) => Math.abs(l.total - check[i].total) / Math.abs(check[i].total)));
    console.log(JSON.stringify({ case: `${base.task} ${base.method}`, lossRel, maxDiff }));
    expect(lossRel).toBeLessThan(1e-5);
    expect(maxDiff).toBeLessThan(3e-3 * 1e-2);
    const out = JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8')) as { history: RunHistoryEntry[]; schedule: { step: number } };
    expect(out.schedule.step).toBe(BEFORE + AFTER);
    expect(out.history.map((h) => `${h.where} ${h.step}`)).toEqual(['browser 1', 'browser 2', 'browser 3', 'pytorch 4', 'pytorch 5', 'pytorch 6']);
  }, 200_000);
});
