// The way back from PyTorch for the user's own models, through the store on the real engine in
// this process (localEngine, wasm): a layers teacher and student (the 3-class 32×32 fixtures) on
// a small dropped dataset, 2 steps of MasKD Distill, and that checkpoint as the version 2 run file
// train.py writes (./pytorchRunFile.testkit.ts: PyTorch steps 3–4, the student's first weight
// changed). With those models and that dataset loaded it installs into them: curve 1–4, the
// engine's student is the file's, Continue in PyTorch exports it at step 4, Distill further takes
// step 5. A wrong weight is refused naming the loaded student; with the demo loaded instead of the
// user's models it is refused with what to load first, and nothing changes. The demo's own run
// opened beside the user's teacher (built-in student, other tap) loads its demo instead.
import { beforeAll, expect, it } from 'vitest';
import type { Checkpoint } from '../engine/checkpoint';
import { checkpointToJson } from '../pytorch/checkpointJson';
import { readBundleZip } from '../pytorch/bundleZip';
import { distill, learnMasks } from './actions';
import { loadDropped } from './byoActions';
import { chooseTaskOption } from './datasetActions';
import { currentRunFile, openFile, pickedFile, pytorchUnavailable } from './exportActions';
import { distillFurther, distillFurtherUnavailable } from './pytorchReturn';
import { pytorchRunFile as buildPytorchRunFile } from './pytorchRunFile.testkit';
import { useAppStore } from './store';
import { dropFixture, loadUserPairOnSegValid, pageOnLocalEngine } from './pageOnLocalEngine.testkit';

const s = () => useAppStore.getState();
const { engine, start } = pageOnLocalEngine('2026-12-07T00:00:00Z');
let browser: Checkpoint;
let runText: string;

beforeAll(async () => {
  await start();
  await loadUserPairOnSegValid();
  s().setMask({ numTokens: 2, steps: 2, batchSize: 2 });
  await learnMasks();
  s().setDistill({ method: 'maskd', steps: 2, batchSize: 2, evalEvery: 2, valCount: 2 });
  await distill();
  expect(s().runPhase).toBe('idle');
  browser = await engine.exportState();
  expect([browser.step, browser.inputSize, browser.studentInit]).toEqual([2, 32, undefined]);
  runText = (await currentRunFile(new Date('2026-12-07T00:00:00Z'))).text;
}, 180_000);

/** The run file train.py would write after PyTorch steps 3 and 4 of 6; `edit` changes its checkpoint. */
const pytorchRunFile = (edit?: (c: Record<string, any>) => void) => buildPytorchRunFile(runText, JSON.parse(checkpointToJson(browser)), edit); // eslint-disable-line @typescript-eslint/no-explicit-any
const distillTotal = () => s().losses['distill:maskd:total']?.points.map((p) => p.x);

it('a checkpoint whose student is not the loaded one is refused by weight, and nothing changes', async () => {
  const before = { losses: s().losses, seed: s().seed, distill: s().distill };
  const tensors = (await engine.memory()).numTensors;
  await openFile(pickedFile('wrong.json', pytorchRunFile((c) => (c.student[0].name = 'someone_else/kernel'))));
  expect(s().messages.at(-1)?.text).toMatch(
    /^Could not open wrong\.json: the checkpoint does not fit your student .+ with your teacher .+ on your dataset: its student's weight 0 is "someone_else\/kernel", the loaded one's is ".+": it is not the loaded student\. Nothing was changed/,
  );
  await openFile(pickedFile('short-adam.json', pytorchRunFile((c) => c.optimizer.pop())));
  expect(s().messages.at(-1)?.text).toMatch(/its Adam state has \d+ arrays; the loaded student and align module need 1 \+ 2 × \d+/);
  expect({ losses: s().losses, seed: s().seed, distill: s().distill }).toEqual(before);
  expect(s().pytorchReturn).toBeNull();
  expect((await engine.memory()).numTensors).toBe(tensors);
  expect((await engine.exportState()).step).toBe(2);
}, 60_000);

it('opened with the same models and dataset loaded: installed into them, curve 1–4, the exports write the file\'s student', async () => {
  await openFile(pickedFile('maskd-run-segmentation-step4.json', pytorchRunFile()));
  expect(s().messages.at(-1)?.text).toMatch(/^Restored the run from maskd-run-segmentation-step4\.json .*browser to step 2, PyTorch to step 4\) and the student at step 4 \(MasKD\)/);
  expect(distillTotal()).toEqual([1, 2, 3, 4]);
  expect(s().pytorchReturn).toMatchObject({ handover: { step: 2 }, pytorchTo: 4, installed: { step: 4, total: 6, method: 'maskd' } });
  // The user's models and dataset stay: nothing was loaded in their place.
  expect(s().dataMode).toBe('custom');
  expect(s().byo.student?.info.format).toBe('layers-model');
  const state = await engine.exportState();
  expect([state.step, state.total, state.backend, state.inputSize]).toEqual([4, 6, 'pytorch', 32]);
  const want = JSON.parse(pytorchRunFile()).checkpoint.student[0] as { data: number[] };
  const exported = await engine.exportStudent();
  const first = new Float32Array(exported.student.weightData.slice(0, want.data.length * 4));
  expect(Array.from(first)).toEqual(Array.from(Float32Array.from(want.data)));
  // Continue in PyTorch hands over the installed state: step 4, the user's taps, the dataset.
  expect(pytorchUnavailable(s())).toBeNull();
  const zip = await engine.exportPytorch();
  const run = JSON.parse(new TextDecoder().decode(readBundleZip(new Uint8Array(zip.bytes))['run.json']));
  expect(run.schedule).toMatchObject({ step: 4, totalSteps: 6 });
  expect(run.tap).toEqual({ teacher: 'feat', student: 'feat' });
  expect(run.data).toMatchObject({ kind: 'dataset', train: 8, val: 2 });
}, 120_000);

it('Distill further continues the installed checkpoint on the user\'s models: step 5 after PyTorch\'s 4', async () => {
  s().setDistill({ steps: 5 });
  expect(distillFurtherUnavailable(s())).toBeNull();
  await distillFurther();
  expect(s().runPhase).toBe('idle');
  expect(distillTotal()).toEqual([1, 2, 3, 4, 5]);
  const state = await engine.exportState();
  expect(state.step).toBe(5);
  expect(state.history.map((h) => h.step)).toEqual([1, 2, 3, 4, 5]);
  expect(s().pytorchReturn?.installed).toEqual({ step: 5, total: 5, method: 'maskd' });
}, 120_000);

it('with the demo loaded instead of the user\'s models, it is refused with what to load first', async () => {
  await chooseTaskOption('segmentation');
  expect(s().dataMode).toBe('demo');
  expect(s().demoPhase).toBe('ready');
  const before = { losses: s().losses, task: s().task, distill: s().distill };
  const tensors = (await engine.memory()).numTensors;
  await openFile(pickedFile('maskd-run-segmentation-step4.json', pytorchRunFile()));
  expect(s().messages.at(-1)?.text).toMatch(
    /^Could not open maskd-run-segmentation-step4\.json: the checkpoint does not fit the segmentation demo: .+\. Its student is not a built-in one: load the student and teacher the run was exported from \(and the dataset it ran on, if any\), then open the file again\. Nothing was changed/,
  );
  expect({ losses: s().losses, task: s().task, distill: s().distill }).toEqual(before);
  // The demo built at the checkpoint's 32×32 to check it was released; the 64×64 demo stays.
  expect((await engine.memory()).numTensors).toBe(tensors);
  const topology = JSON.stringify((await engine.exportStudent()).student.modelTopology);
  expect([topology.includes('[null,64,64,3]'), topology.includes('[null,32,32,3]')]).toEqual([true, false]);
  // The demo's own run, for the next test.
  s().setDistill({ method: 'maskd', steps: 2 });
  await distill();
  const own = await engine.exportState();
  expect(own.studentInit).toBeDefined();
  demoRun = buildPytorchRunFile((await currentRunFile(new Date('2026-12-07T00:00:00Z'))).text, JSON.parse(checkpointToJson(own)));
}, 120_000);

let demoRun: string;

it('the demo\'s own run opened beside your teacher (the built-in student): its demo is loaded for it', async () => {
  expect(await loadDropped(await dropFixture('teacher-valid'), 'teacher')).toBe(true);
  await openFile(pickedFile('maskd-run-segmentation-step4.json', demoRun));
  expect(s().messages.at(-1)?.text).toMatch(/^Restored the run from .*: the segmentation demo, settings/);
  expect((await engine.exportState()).step).toBe(4);
}, 120_000);

it('your own pair on the demo scenes: its checkpoint installs into them too, and Distill further goes on', async () => {
  expect(await loadDropped(await dropFixture('teacher-valid'), 'teacher')).toBe(true);
  expect(await loadDropped(await dropFixture('student-valid'), 'student')).toBe(true);
  expect(s().dataMode).toBe('demo');
  await learnMasks();
  s().setDistill({ method: 'maskd', steps: 2 });
  await distill();
  expect(s().runPhase).toBe('idle');
  const own = await engine.exportState();
  expect([own.step, own.inputSize, own.studentInit]).toEqual([2, 64, undefined]);
  const text = buildPytorchRunFile((await currentRunFile(new Date('2026-12-07T00:00:00Z'))).text, JSON.parse(checkpointToJson(own)));
  await openFile(pickedFile('maskd-run-segmentation-step4.json', text));
  expect(s().messages.at(-1)?.text).toMatch(/^Restored the run from .*PyTorch to step 4\) and the student at step 4/);
  expect(distillTotal()).toEqual([1, 2, 3, 4]);
  const want = JSON.parse(text).checkpoint.student[0] as { data: number[] };
  const first = new Float32Array((await engine.exportStudent()).student.weightData.slice(0, want.data.length * 4));
  expect(Array.from(first)).toEqual(Array.from(Float32Array.from(want.data)));
  s().setDistill({ steps: 5 });
  await distillFurther();
  expect(distillTotal()).toEqual([1, 2, 3, 4, 5]);
  expect((await engine.exportState()).step).toBe(5);
}, 180_000);
