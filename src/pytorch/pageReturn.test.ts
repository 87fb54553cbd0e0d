// The way back, end to end: a demo distillation takes 2 steps on the page (with a validation
// evaluation, so the checkpoint has a best student), its checkpoint becomes a bundle
// (bundleFromCheckpoint, with page.json), train.py takes 2 more steps scoring on the page's
// validation scenes and once on its test scenes, and writes the page's run file. That file parses
// as a run file; its checkpoint passes validateCheckpoint with the page's names and shapes; the
// student it holds, loaded into the page's demo student, gives the PyTorch student's outputs; and
// its validation and test numbers are the page's own metric of that student on the same scenes,
// also under torchrun (2 processes: rank 0 scores).
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_VERSION, type Checkpoint } from '../engine/checkpoint';
import { METHOD_DEFAULTS } from '../maskd/methods';
import { buildStudent, type Task } from '../models/nets';
import { parseRunFile } from '../share/runFile';
import { demoSource } from '../train/demo';
import { branchToArrays, modelWeightsToArrays, readOptimizerState, setModelWeights, tokensToArray } from '../train/runState';
import { taskAdapter } from '../train/tasks';
import { ReceptiveTokens } from '../maskd/tokens';
import { TokenWeightBranch } from '../maskd/tokenWeights';
import { checkpointFromJson } from './checkpointJson';
import { bundleFromCheckpoint } from './fromCheckpoint';
import { demoRun, readState, stateOf } from './runBundle.testkit';
import { studentOutputDiff } from './studentOutputs.testkit';
import { noteWhenNoTorch, torchPython, torchrunTwo } from './torchPython.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('pageReturn.test.ts');

const LR = 3e-3;
const SCENES = 8;

/** The bundle's teacher scored by page_run.py on the page's validation and test scenes. */
const TEACHER_SCORES = String.raw`
import sys, json, torch
sys.path.insert(0, sys.argv[1])
from maskd_nn import read_safetensors
from page_run import PageReturn
import teacher
net = teacher.Net()
net.load_state_dict(read_safetensors(sys.argv[1] + "/teacher.safetensors"), strict=True)
back = PageReturn(sys.argv[1])
print(json.dumps({split: back.score(net, split, torch.device("cpu")) for split in ("val", "test")}))
`;

interface RunFileOut {
  format: string;
  formatVersion: number;
  config: { task: string; distill: { method: string } };
  handover: { step: number; engine: string; processes: number; device: string; torch: string };
  result: { split: string; metric: string; value: number; step: number; scenes: number } | null;
  history: { losses: { stage: string; method: string; term: string; points: [number, number][] }[]; metrics: { term: string; points: [number, number][] }[] };
  checkpoint: Record<string, unknown>;
}

async function pageCheckpoint(task: Task) {
  const params = { ...METHOD_DEFAULTS.maskd };
  const run = await demoRun({ task, method: 'maskd', params, batch: 4, recorded: 2, seed: 21, lr: LR, totalSteps: 10 });
  const source = demoSource(run.pools, task, 64);
  const history: Checkpoint['history'][number][] = [];
  for (let i = 0; i < 2; i++) {
    const r = await run.distiller.trainStep();
    const m = i === 0 ? await run.distiller.evaluate(source.valSet(SCENES)) : null;
    history.push({ step: r.step, losses: { ...r.losses }, ...(m ? { metric: { name: taskAdapter(task).metricName, value: m.primary } } : {}) });
  }
  const bestWeights = run.distiller.bestStudentWeights()!;
  const names = run.student.weights.map((w) => w.originalName);
  const best = { metric: run.distiller.bestMetric, step: run.distiller.bestStep, weights: await Promise.all(bestWeights.map(async (t, i) => ({ name: names[i], shape: [...t.shape], data: new Float32Array(await t.data()) }))) };
  tf.dispose(bestWeights);
  const tokens = ReceptiveTokens.deserialize(run.file.tokens);
  const branch = run.file.branch ? TokenWeightBranch.deserialize(run.file.branch) : null;
  const cp: Checkpoint = {
    version: CHECKPOINT_VERSION,
    kind: 'distill',
    config: { method: 'maskd', params, steps: 10, batchSize: 4, lr: LR, seed: 21, evalEvery: 1, valCount: SCENES, testCount: SCENES },
    task,
    inputSize: 64,
    studentInit: 'fresh',
    step: 2,
    total: 10,
    lr: LR,
    savedAt: 0,
    reason: 'export',
    backend: 'cpu',
    tokens: await tokensToArray(tokens),
    branch: branch ? await branchToArrays(branch) : null,
    student: await modelWeightsToArrays(run.student),
    align: await modelWeightsToArrays(run.distiller.align),
    optimizer: await readOptimizerState(run.distiller.optimizer),
    best,
    history,
  };
  tokens.dispose();
  branch?.dispose();
  return { run, cp, source };
}

describe.skipIf(!torchPython)('train.py writes the page\'s run file (the way back)', () => {
  it.each(['segmentation', 'detection'] as const)('%s MasKD: 2 page steps, 2 PyTorch steps, and back', async (task) => {
    const { run, cp, source } = await pageCheckpoint(task);
    const dir = mkdtempSync(join(tmpdir(), `pt-back-${task}-`));
    const files = bundleFromCheckpoint(cp, { teacher: run.teacher, pools: run.pools, recordSteps: 2 });
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
    const adapter = taskAdapter(task);

    // The scoring on a model that scores well (the shipped teacher): page_run.py's numbers are the page's.
    const t = spawnSync(torchPython!, ['-c', TEACHER_SCORES, dir], { encoding: 'utf8' });
    expect(t.status, t.stderr).toBe(0);
    const teacherPy = JSON.parse(t.stdout) as { val: number; test: number };
    const byTeacher = (im: tf.Tensor4D) => run.teacher.predict(im) as tf.Tensor4D;
    const teacherPage = { val: (await adapter.evaluate(byTeacher, source.valSet(SCENES), 8)).primary, test: (await adapter.evaluate(byTeacher, source.testSet(SCENES), 8)).primary };
    run.dispose();
    expect(teacherPage.test).toBeGreaterThan(0.3);
    expect(Math.abs(teacherPy.val - teacherPage.val)).toBeLessThan(1e-6);
    expect(Math.abs(teacherPy.test - teacherPage.test)).toBeLessThan(1e-6);
    const out = join(dir, 'out');
    const r = spawnSync(torchPython!, [join(dir, 'train.py'), '--steps', '2', '--eval-every', '1', '--json', '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const steps = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { step: number; metric?: { name: string; value: number } });
    expect(steps.map((s) => s.step)).toEqual([3, 4]);
    expect(r.stderr).toContain(`maskd-run-${task}-step4.json`);

    const text = readFileSync(join(out, `maskd-run-${task}-step4.json`), 'utf8');
    const file = JSON.parse(text) as RunFileOut;
    expect([file.format, file.formatVersion]).toEqual(['maskd-playground.run', 2]);
    expect(file.handover).toMatchObject({ step: 2, engine: 'pytorch', processes: 1, device: 'cpu' });
    const metricName = taskAdapter(task).metricName;
    expect(file.result).toMatchObject({ split: 'test', metric: metricName, step: 4, scenes: SCENES });
    // The curve: browser steps 1-2 then PyTorch 3-4 in the page's series; validation points at 1 (browser), 3 and 4.
    const total = file.history.losses.find((s) => s.stage === 'distill' && s.method === 'maskd' && s.term === 'total')!;
    expect(total.points.map((p) => p[0])).toEqual([1, 2, 3, 4]);
    expect(total.points[0][1]).toBe(cp.history[0].losses.total);
    const val = file.history.metrics.find((s) => s.term === metricName)!;
    expect(val.points.map((p) => p[0])).toEqual([1, 3, 4]);
    const parsed = parseRunFile(text);
    expect(parsed.config.task).toBe(task);
    expect(parsed.checkpoint?.step).toBe(4);

    // The checkpoint: the page's names, shapes and order; Adam at iteration 4 in the page's layout.
    const back = checkpointFromJson(JSON.stringify(file.checkpoint));
    expect(back).toMatchObject({ kind: 'distill', step: 4, total: 10, lr: LR, backend: 'pytorch', reason: 'export', task, inputSize: 64, studentInit: 'fresh' });
    for (const part of ['student', 'align', 'optimizer'] as const) {
      expect(back[part]!.map((a) => `${a.name}:${a.shape.join('x')}`), part).toEqual(cp[part]!.map((a) => `${a.name}:${a.shape.join('x')}`));
    }
    expect(back.optimizer[0].data[0]).toBe(4);
    expect(back.history.map((h) => h.step)).toEqual([1, 2, 3, 4]);
    expect(back.tokens?.data).toEqual(cp.tokens?.data);
    // The best student: the highest validation metric of the browser's (step 1) and PyTorch's (3, 4), the first on a tie.
    const candidates = [{ step: 1, metric: cp.best!.metric }, ...steps.map((s) => ({ step: s.step, metric: s.metric!.value }))];
    const best = candidates.reduce((a, b) => (b.metric > a.metric ? b : a));
    expect({ step: back.best?.step, metric: back.best?.metric }).toEqual(best);
    if (best.step === 4) expect(back.best!.weights.map((w) => Array.from(w.data))).toEqual(back.student!.map((w) => Array.from(w.data)));
    if (best.step === 1) expect(back.best!.weights[0].data).toEqual(cp.best!.weights[0].data);

    // Its student in the page's demo student = the PyTorch student (out/student.safetensors):
    // every weight and BatchNorm statistic bit for bit, and so the outputs.
    const student = buildStudent(task);
    setModelWeights(student, back.student!, 'student');
    const torchState = readState(join(out, 'student.safetensors'));
    const returned = stateOf(student);
    expect(Object.keys(returned).sort()).toEqual(Object.keys(torchState).sort());
    for (const [k, v] of Object.entries(returned)) expect(v, k).toEqual(torchState[k]);
    const outDiff = studentOutputDiff(dir, join(out, 'student.safetensors'), student, [2, 64, 64, 3], 5);

    // The numbers train.py reported: the page's own metric of that student on the same scenes.
    const predict = (im: tf.Tensor4D) => student.predict(im) as tf.Tensor4D;
    const pageVal = (await adapter.evaluate(predict, source.valSet(SCENES), 8)).primary;
    const pageTest = (await adapter.evaluate(predict, source.testSet(SCENES), 8)).primary;
    student.dispose();
    const valDiff = Math.abs(pageVal - steps[1].metric!.value);
    const testDiff = Math.abs(pageTest - file.result!.value);
    console.log(JSON.stringify({ task, teacherPage, teacherPy, outDiff, pageVal, valDiff, pageTest, testDiff, best }));
    expect(outDiff).toBeLessThan(1e-5);
    expect(valDiff).toBeLessThan(1e-6);
    expect(testDiff).toBeLessThan(1e-6);
    expect(r.stderr).not.toContain('will refuse');
    if (task !== 'segmentation') {
      // A file over the page's limits (here a 1000-byte one, from page.json) is written with a warning that says which; --no-test: result null.
      const page = JSON.parse(readFileSync(join(dir, 'page.json'), 'utf8')) as { limits: Record<string, number> };
      writeFileSync(join(dir, 'page.json'), JSON.stringify({ ...page, limits: { ...page.limits, runFileBytes: 1000 } }));
      const w = spawnSync(torchPython!, [join(dir, 'train.py'), '--steps', '1', '--no-test', '--out', join(dir, 'out3')], { encoding: 'utf8' });
      expect(w.status, w.stderr).toBe(0);
      expect(w.stderr).toMatch(/warning: the page will refuse .*maskd-run-detection-step3\.json: bytes \d+ over the page's 1000/);
      const noTest = JSON.parse(readFileSync(join(dir, 'out3', 'maskd-run-detection-step3.json'), 'utf8')) as RunFileOut;
      expect(noTest.result).toBeNull();
      return;
    }

    // Under torchrun (2 gloo processes, --eval-every 2) rank 0 scores: still the page's numbers of the student it returns.
    const out2 = join(dir, 'out2');
    const args = [...torchrunTwo(), '--redirects', '1', '--tee', '1', join(dir, 'train.py'), '--steps', '2', '--eval-every', '2', '--json', '--out', out2];
    const d = spawnSync(torchPython!, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    expect(d.status, d.stderr.slice(-2000)).toBe(0);
    const ddp = JSON.parse(readFileSync(join(out2, `maskd-run-${task}-step4.json`), 'utf8')) as RunFileOut;
    expect(ddp.handover.processes).toBe(2);
    const ddpVal = ddp.history.metrics.find((m) => m.term === metricName)!.points;
    expect(ddpVal.map((p) => p[0])).toEqual([1, 4]);
    const ddpStudent = buildStudent(task);
    setModelWeights(ddpStudent, checkpointFromJson(JSON.stringify(ddp.checkpoint)).student!, 'student');
    const byDdp = (im: tf.Tensor4D) => ddpStudent.predict(im) as tf.Tensor4D;
    const ddpDiff = {
      val: Math.abs((await adapter.evaluate(byDdp, source.valSet(SCENES), 8)).primary - ddpVal[1][1]),
      test: Math.abs((await adapter.evaluate(byDdp, source.testSet(SCENES), 8)).primary - ddp.result!.value),
    };
    ddpStudent.dispose();
    console.log(JSON.stringify({ ddpDiff }));
    expect(ddpDiff.val).toBeLessThan(1e-6);
    expect(ddpDiff.test).toBeLessThan(1e-6);
  }, 300_000);
});
