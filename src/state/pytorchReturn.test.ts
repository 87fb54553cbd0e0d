// The way back from PyTorch through the store, on the real engine in this process (localEngine,
// wasm): a 2-step Distill's checkpoint from the engine becomes a formatVersion 2 run file as
// train.py writes it (checkpointToJson, browser steps 1–2 then hand-made PyTorch steps 3–4, the
// student changed so it can be told apart). A checkpoint that does not fit the demo is refused and
// nothing changes; opened, the curve runs 1–4 with the hand-over and PyTorch's result, the
// engine's student and stage-2 state are the file's, Continue in PyTorch is enabled, and Distill
// further takes steps 5–6 from it. Opened with another demo loaded, its demo is loaded first.
import { beforeAll, expect, it } from 'vitest';
import type { Checkpoint } from '../engine/checkpoint';
import { checkpointToJson } from '../pytorch/checkpointJson';
import { changeTask, distill } from './actions';
import { currentRunFile, openFile, pickedFile, pytorchUnavailable } from './exportActions';
import { distillFurther, distillFurtherUnavailable } from './pytorchReturn';
import { pytorchRunFile as buildPytorchRunFile } from './pytorchRunFile.testkit';
import { useAppStore } from './store';
import { pageOnLocalEngine } from './pageOnLocalEngine.testkit';

const s = () => useAppStore.getState();
const { engine, start } = pageOnLocalEngine('2026-12-07T00:00:00Z');
let browser: Checkpoint;
let runText: string;

beforeAll(async () => {
  await start();
  s().setDistill({ method: 'maskd', steps: 2, batchSize: 2, evalEvery: 2, valCount: 2 });
  await distill();
  expect(s().runPhase).toBe('idle');
  browser = await engine.exportState();
  expect(browser.step).toBe(2);
  runText = (await currentRunFile(new Date('2026-12-07T00:00:00Z'))).text;
}, 120_000);

/** The run file train.py would write after PyTorch steps 3 and 4 of 6 (./pytorchRunFile.testkit.ts); `edit` changes its checkpoint. */
const pytorchRunFile = (edit?: (c: Record<string, any>) => void) => buildPytorchRunFile(runText, JSON.parse(checkpointToJson(browser)), edit); // eslint-disable-line @typescript-eslint/no-explicit-any

const distillTotal = () => s().losses['distill:maskd:total']?.points.map((p) => p.x);

it('a checkpoint whose student does not fit the demo is refused, and nothing changes', async () => {
  const before = { losses: s().losses, metrics: s().metrics, seed: s().seed, distill: s().distill };
  const tensors = (await engine.memory()).numTensors;
  const wrongName = pytorchRunFile((c) => (c.student[0].name = 'someone_else/kernel'));
  await openFile(pickedFile('maskd-run-segmentation-step4.json', wrongName));
  expect(s().messages.at(-1)?.text).toMatch(/^Could not open maskd-run-segmentation-step4\.json: the checkpoint does not fit the segmentation demo: its student's weight 0 is "someone_else\/kernel", the demo's is ".+": it is not this demo's student\. Nothing was changed/);
  const wrongShape = pytorchRunFile((c) => (c.student[0].shape = [...c.student[0].shape].reverse()));
  await openFile(pickedFile('wrong-shape.json', wrongShape));
  expect(s().messages.at(-1)?.text).toMatch(/Could not open wrong-shape\.json: the checkpoint does not fit the segmentation demo: its student's weight .+ is \[.+\], the demo's \[.+\]\. Nothing was changed/);
  const wrongAdam = pytorchRunFile((c) => {
    const kernel = c.optimizer.find((a: { shape: number[] }, k: number) => k > 0 && a.shape.length === 4);
    kernel.shape = [kernel.data.length];
  });
  await openFile(pickedFile('wrong-adam.json', wrongAdam));
  expect(s().messages.at(-1)?.text).toMatch(/Could not open wrong-adam\.json: the checkpoint does not fit the segmentation demo: its Adam moment \d+ \(.+\) is \[\d+\], its weight .+ \[.+\]\. Nothing was changed/);
  const wrongBest = pytorchRunFile((c) => (c.best.weights[0].name = 'not_a_layer/kernel'));
  await openFile(pickedFile('wrong-best.json', wrongBest));
  expect(s().messages.at(-1)?.text).toMatch(/its best student's weight 0 is "not_a_layer\/kernel"/);
  const shortAdam = pytorchRunFile((c) => c.optimizer.pop());
  await openFile(pickedFile('short-adam.json', shortAdam));
  expect(s().messages.at(-1)?.text).toMatch(/its Adam state has \d+ arrays; the demo's student and align module need 1 \+ 2 × \d+/);
  expect({ losses: s().losses, metrics: s().metrics, seed: s().seed, distill: s().distill }).toEqual(before);
  expect(s().losses).toBe(before.losses);
  expect(s().pytorchReturn).toBeNull();
  // Whatever the refused installs built beside the demo was released.
  expect((await engine.memory()).numTensors).toBe(tensors);
  // The engine's stage-2 state is still the browser's.
  expect((await engine.exportState()).step).toBe(2);
}, 60_000);

it('a file without a checkpoint brings the curve, the hand-over and the result, but no student to continue', async () => {
  const f = JSON.parse(pytorchRunFile());
  delete f.checkpoint;
  await openFile(pickedFile('no-checkpoint.json', JSON.stringify(f)));
  expect(s().messages.at(-1)?.text).toMatch(/^Restored the run from no-checkpoint\.json/);
  expect(distillTotal()).toEqual([1, 2, 3, 4]);
  expect(s().pytorchReturn).toMatchObject({ handover: { step: 2 }, pytorchTo: 4, result: { value: 0.3125 }, installed: null });
  expect(distillFurtherUnavailable(s())).toMatch(/Open a run file with a checkpoint/);
  expect(pytorchUnavailable(s())).toMatch(/Run Distill first/);
  expect((await engine.exportState()).step).toBe(2);
}, 60_000);

it('opened: the curve runs browser 1–2 then PyTorch 3–4, with the hand-over and the result; the engine holds the file\'s student', async () => {
  s().setSeed(5);
  await openFile(pickedFile('maskd-run-segmentation-step4.json', pytorchRunFile()));
  expect(s().messages.at(-1)?.text).toMatch(/Restored the run from maskd-run-segmentation-step4\.json .*browser to step 2, PyTorch to step 4\) and the student at step 4 \(MasKD\)/);
  expect(s().seed).toBe(browser.config.seed);
  expect(distillTotal()).toEqual([1, 2, 3, 4]);
  expect(s().metrics['distill:maskd:mIoU']?.points.map((p) => [p.x, p.y]).at(-1)).toEqual([4, 0.25]);
  expect(s().pytorchReturn).toEqual({
    file: 'maskd-run-segmentation-step4.json',
    handover: { step: 2, engine: 'pytorch', processes: 2, device: 'cpu', torch: '1.13.1' },
    pytorchTo: 4,
    result: { split: 'test', metric: 'mIoU', value: 0.3125, step: 4, scenes: 128 },
    installed: { step: 4, total: 6, method: 'maskd' },
  });
  expect(s().distill.steps).toBe(6);
  expect(pytorchUnavailable(s())).toBeNull();
  expect(distillFurtherUnavailable(s())).toBeNull();
  const state = await engine.exportState();
  expect([state.step, state.total, state.backend]).toEqual([4, 6, 'pytorch']);
  // The demo's student is the file's (what the TF.js, ONNX and PyTorch exports write).
  const want = JSON.parse(pytorchRunFile()).checkpoint.student[0] as { data: number[] };
  const exported = await engine.exportStudent();
  const first = new Float32Array(exported.student.weightData.slice(0, want.data.length * 4));
  expect(Array.from(first)).toEqual(Array.from(Float32Array.from(want.data)));
}, 60_000);

it('Distill further continues the installed checkpoint: steps 5 and 6 after PyTorch\'s 4', async () => {
  s().setDistill({ steps: 4 });
  expect(distillFurtherUnavailable(s())).toMatch(/Set Distill steps above 4/);
  s().setDistill({ steps: 6 });
  await distillFurther();
  expect(s().runPhase).toBe('idle');
  expect(distillTotal()).toEqual([1, 2, 3, 4, 5, 6]);
  expect(s().progress?.step).toBe(6);
  const state = await engine.exportState();
  expect(state.step).toBe(6);
  expect(state.history.map((h) => h.step)).toEqual([1, 2, 3, 4, 5, 6]);
  // The marker and the result stay with the curve they belong to; the next further run starts at 6.
  expect(s().pytorchReturn?.installed).toEqual({ step: 6, total: 6, method: 'maskd' });
  expect(s().pytorchReturn?.handover?.step).toBe(2);
}, 120_000);

it('opened while the other demo is loaded, its demo is loaded first', async () => {
  await changeTask('detection');
  expect(s().task).toBe('detection');
  // Refused after its demo was built beside the detection one: that demo is released, detection stays.
  const tensors = (await engine.memory()).numTensors;
  await openFile(pickedFile('wrong.json', pytorchRunFile((c) => (c.align[0].name = 'x/kernel'))));
  expect(s().messages.at(-1)?.text).toMatch(/Could not open wrong\.json: the checkpoint does not fit the segmentation demo: its align module's weight 0 is "x\/kernel"/);
  expect(s().task).toBe('detection');
  expect((await engine.memory()).numTensors).toBe(tensors);
  await openFile(pickedFile('maskd-run-segmentation-step4.json', pytorchRunFile()));
  expect(s().task).toBe('segmentation');
  expect(s().demoPhase).toBe('ready');
  expect(s().pytorchReturn?.installed?.step).toBe(4);
  expect((await engine.exportState()).step).toBe(4);
}, 120_000);
