// npm run export:pytorch from a checkpoint file: a demo distillation takes 2 steps on the page,
// its state is saved as the engine's Checkpoint (as a JSON file), the script writes the bundle
// (with --check 2: its own next steps from a throwaway copy, which must be the page's), and
// train.py's 2 steps from it are the page's own next 2 steps (losses and weights).
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_VERSION, type Checkpoint } from '../engine/checkpoint';
import { METHOD_DEFAULTS } from '../maskd/methods';
import { branchToArrays, modelWeightsToArrays, readOptimizerState, tokensToArray } from '../train/runState';
import { ReceptiveTokens } from '../maskd/tokens';
import { TokenWeightBranch } from '../maskd/tokenWeights';
import { checkpointFromJson, checkpointToJson } from './checkpointJson';
import type { RunHistoryEntry } from './runBundle';
import { demoRun, readState, stateOf } from './runBundle.testkit';
import { noteWhenNoTorch, torchPython } from './torchPython.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('exportScript.test.ts');

const root = fileURLToPath(new URL('../../', import.meta.url));
const LR = 3e-3;

describe.skipIf(!torchPython)('npm run export:pytorch from a checkpoint', () => {
  it('detection MasKD at step 2: the bundle continues as the page does', async () => {
    const params = { ...METHOD_DEFAULTS.maskd, customMaskWarmupShare: 0.1 };
    const run = await demoRun({ task: 'detection', method: 'maskd', params, batch: 4, recorded: 2, seed: 13, lr: LR, totalSteps: 10 });
    const history: Checkpoint['history'][number][] = [];
    for (let i = 0; i < 2; i++) {
      const r = await run.distiller.trainStep();
      history.push({ step: r.step, losses: { ...r.losses } });
    }
    const tokens = ReceptiveTokens.deserialize(run.file.tokens);
    const branch = TokenWeightBranch.deserialize(run.file.branch!);
    const cp: Checkpoint = {
      version: CHECKPOINT_VERSION,
      kind: 'distill',
      config: { method: 'maskd', params, steps: 10, batchSize: 4, lr: LR, seed: 13, evalEvery: 0 },
      task: 'detection',
      inputSize: 64,
      step: 2,
      total: 10,
      lr: LR,
      savedAt: 0,
      reason: 'export',
      backend: 'cpu',
      tokens: await tokensToArray(tokens),
      branch: await branchToArrays(branch),
      student: await modelWeightsToArrays(run.student),
      align: await modelWeightsToArrays(run.distiller.align),
      optimizer: await readOptimizerState(run.distiller.optimizer),
      best: null,
      history,
    };
    tokens.dispose();
    branch.dispose();
    const dir = mkdtempSync(join(tmpdir(), 'pt-export-'));
    const text = checkpointToJson(cp);
    expect(checkpointFromJson(text).optimizer[1].data).toEqual(cp.optimizer[1].data);
    writeFileSync(join(dir, 'checkpoint.json'), text);

    const page: RunHistoryEntry[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await run.distiller.trainStep();
      page.push({ step: r.step, ...r.losses, where: 'browser' });
    }
    const pageState = { ...stateOf(run.student), ...stateOf(run.distiller.align) };
    run.dispose();

    const out = join(dir, 'bundle');
    const script = spawnSync('npx', ['tsx', 'scripts/export-pytorch.ts', '--from', join(dir, 'checkpoint.json'), '--out', out, '--check', '2'], { cwd: root, encoding: 'utf8' });
    expect(script.status, script.stderr).toBe(0);
    expect(script.stdout).toMatch(/detection maskd, step 2 of 10/);
    for (const f of ['README.md', 'train.py', 'maskd_nn.py', 'teacher.py', 'student.py', 'align.py', 'tokens.safetensors', 'optimizer.safetensors', 'run.json', 'batches.safetensors']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    // The script's own next steps from the checkpoint (for train.py --check) are the page's.
    const check = (JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { check: RunHistoryEntry[] }).check;
    expect(check.map((c) => c.step)).toEqual([3, 4]);
    check.forEach((c, i) => expect(Math.abs(c.total - page[i].total) / page[i].total).toBeLessThan(1e-6));
    const r = spawnSync(torchPython!, [join(out, 'train.py'), '--steps', '2', '--json', '--out', join(out, 'out')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as RunHistoryEntry);
    expect(lines.map((l) => l.step)).toEqual([3, 4]);
    const lossRel = Math.max(...lines.map((l, i) => Math.abs(l.total - page[i].total) / Math.abs(page[i].total)));
    const ours = { ...readState(join(out, 'out', 'student.safetensors')), ...readState(join(out, 'out', 'align.safetensors')) };
    let maxDiff = 0;
    for (const [k, v] of Object.entries(pageState)) for (let i = 0; i < v.length; i++) maxDiff = Math.max(maxDiff, Math.abs(v[i] - ours[k][i]));
    console.log(JSON.stringify({ lossRel, maxDiff }));
    expect(lossRel).toBeLessThan(1e-5);
    expect(maxDiff).toBeLessThan(LR * 1e-2);
    const runJson = JSON.parse(readFileSync(join(out, 'out', 'run.json'), 'utf8')) as { history: RunHistoryEntry[] };
    expect(runJson.history.map((h) => `${h.where} ${h.step}`)).toEqual(['browser 1', 'browser 2', 'pytorch 3', 'pytorch 4']);
  }, 300_000);
});
