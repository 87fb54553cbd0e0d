// npm run export:pytorch from a page run file (settings, tokens and history, no student): the
// bundle starts at step 0 from the engine's demo student init. The reference is the engine itself:
// a session on the segmentation demo (shipped teacher, tokens and student backbone) distils 2
// steps with the file's settings; the script's --check (its own 2 steps from the bundle's state)
// and train.py's 2 steps must be the engine's; the run file train.py then writes is a --from too.
// A run of other models is refused by name.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { loadDigitsNode } from '../data/digitsNode';
import type { TokensFile } from '../engine/tokens';
import { buildRunFile, parseRunFile, type RunContents } from '../share/runFile';
import { defaultDistillSettings, defaultMaskSettings } from '../state/setupSlice';
import { EngineSession } from '../train/engineSession';
import { fileFetch, PUBLIC_URL } from '../train/fileFetch';
import { loadShippedTeacher, teacherDir } from '../train/shippedTeacherNode';
import { runFileCheckpoint, runFileDistillConfig } from './fromRunFile';
import { PytorchExportError } from './graph';
import type { RunHistoryEntry } from './runBundle';
import { noteWhenNoTorch, torchPython } from './torchPython.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('exportRunFile.test.ts (train.py from a run file\'s bundle)');

const root = fileURLToPath(new URL('../../', import.meta.url));
const shipped = JSON.parse(readFileSync(`${teacherDir('segmentation')}tokens.json`, 'utf8')) as TokensFile;

const run: RunContents = {
  config: {
    task: 'segmentation',
    seed: 21,
    mask: defaultMaskSettings('segmentation'),
    distill: { ...defaultDistillSettings('segmentation'), method: 'maskd', steps: 2, batchSize: 2, lr: 3e-3, evalEvery: 2, valCount: 2 },
    compareMethods: ['maskd'],
  },
  tokens: { tokens: shipped.tokens, ...(shipped.branch ? { branch: shipped.branch } : {}) },
  losses: {},
  metrics: {},
};

const dir = mkdtempSync(join(tmpdir(), 'pt-runfile-'));
const engineSteps: RunHistoryEntry[] = [];

beforeAll(async () => {
  // The page: the demo as it loads (shipped teacher, tokens, pretrained student backbone), 2 steps of the file's Distill.
  const session = new EngineSession(() => {});
  session.pools = loadDigitsNode();
  session.fetchFunc = fileFetch;
  await session.loadDemoAt('segmentation', PUBLIC_URL);
  await session.distill(1, { ...runFileDistillConfig(parseRunFile(buildRunFile(run, 'x'))), testCount: 2 });
  for (const h of session.checkpoints.last!.history) engineSteps.push({ step: h.step, task: h.losses.task, distill: h.losses.distill, total: h.losses.total, where: 'browser' });
  session.dispose();
  writeFileSync(join(dir, 'run.json'), buildRunFile(run, '2026-12-07T00:00:00.000Z'));
}, 120_000);

it('a run of other models is refused by name: its tokens do not fit the demo teacher\'s tap', async () => {
  const teacher = await loadShippedTeacher('segmentation');
  const parsed = parseRunFile(buildRunFile({ ...run, tokens: { tokens: { name: 'mask_token', shape: [2, 7], data: new Array(14).fill(0.1) } } }, 'x'));
  await expect(runFileCheckpoint(parsed, teacher, null)).rejects.toThrow(PytorchExportError);
  await expect(runFileCheckpoint(parsed, teacher, null)).rejects.toThrow(
    /^cannot continue in PyTorch: the run's tokens are 2×7, but the segmentation demo teacher's tap has \d+ channels, so the run was of other models \(your own\): a run file does not hold the models/,
  );
  teacher.dispose();
});

it('the script starts the bundle at step 0 from the demo student\'s init: its --check steps are the engine\'s', () => {
  expect(engineSteps.map((h) => h.step)).toEqual([1, 2]);
  const out = join(dir, 'bundle');
  const script = spawnSync('npx', ['tsx', 'scripts/export-pytorch.ts', '--from', join(dir, 'run.json'), '--out', out, '--check', '2'], { cwd: root, encoding: 'utf8' });
  expect(script.status, script.stderr).toBe(0);
  expect(script.stdout).toMatch(/segmentation maskd, step 0 of 2 \(from the run file's settings and tokens, the demo student's init\)/);
  for (const f of ['train.py', 'student.py', 'tokens.safetensors', 'batches.safetensors', 'scenes.py', 'run.json']) expect(existsSync(join(out, f)), f).toBe(true);
  expect(existsSync(join(out, 'optimizer.safetensors'))).toBe(false);
  const bundle = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  expect(bundle.schedule).toEqual({ baseLr: 3e-3, totalSteps: 2, step: 0 });
  expect(bundle.seed).toBe(21);
  expect(bundle.history).toEqual([]);
  const rel = (bundle.check as RunHistoryEntry[]).map((c, i) => Math.abs(c.total - engineSteps[i].total) / engineSteps[i].total);
  console.log(JSON.stringify({ runFileCheckVsEngine: rel }));
  expect(rel.length).toBe(2);
  expect(Math.max(...rel)).toBeLessThan(1e-6);
}, 120_000);

it.skipIf(!torchPython)('train.py from the run file\'s bundle takes the engine\'s steps 1 and 2', () => {
  const out = join(dir, 'bundle');
  const r = spawnSync(torchPython!, [join(out, 'train.py'), '--steps', '2', '--json', '--out', join(out, 'out')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as RunHistoryEntry);
  expect(lines.map((l) => l.step)).toEqual([1, 2]);
  const rel = lines.map((l, i) => Math.abs(l.total - engineSteps[i].total) / engineSteps[i].total);
  console.log(JSON.stringify({ runFileTrainPyVsEngine: rel }));
  expect(Math.max(...rel)).toBeLessThan(1e-5);

  // The run file train.py wrote (formatVersion 2, with its checkpoint) is a --from too: the bundle
  // goes on from step 2, and train.py --check agrees with the script's own steps from there.
  const back = join(out, 'out', 'maskd-run-segmentation-step2.json');
  expect(existsSync(back)).toBe(true);
  const again = join(dir, 'again');
  const script = spawnSync('npx', ['tsx', 'scripts/export-pytorch.ts', '--from', back, '--out', again, '--check', '2'], { cwd: root, encoding: 'utf8' });
  expect(script.status, script.stderr).toBe(0);
  expect(script.stdout).toMatch(/segmentation maskd, step 2 of 2;/);
  const check = spawnSync(torchPython!, [join(again, 'train.py'), '--check'], { encoding: 'utf8' });
  console.log(check.stdout);
  expect(check.status, check.stderr).toBe(0);
  expect(check.stdout).toMatch(/hand-over check: passed/);
}, 120_000);
