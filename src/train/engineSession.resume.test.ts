// Checkpoints in the session (Node, wasm backend, 16×16 demo): a run resumed from a stored
// checkpoint ends bit-for-bit where the uninterrupted run ended (same step, weights, Adam state,
// best student and history); a non-finite loss pauses with the last good state stored, and a
// lower learning rate lets it go on; the tensor count stays flat over 100+ checkpointed steps.
import { beforeAll, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { loadDigitsNode } from '../data/digitsNode';
import type { Checkpoint } from '../engine/checkpoint';
import type { CheckpointSink } from './checkpointStore';
import { EngineSession } from './engineSession';
import type { EngineEvent } from '../engine/contract';
import type { RunProgress } from '../engine/progress';
import type { DistillConfig, MaskStageConfig } from '../engine/runConfigs';

beforeAll(async () => {
  await useWasmBackend();
});

/** Keeps the latest checkpoint like IndexedDB does (structured clone), and every save in `all`. */
function recordingSink(): CheckpointSink & { all: Checkpoint[]; current: Checkpoint | null; clears: number } {
  const sink = {
    all: [] as Checkpoint[],
    current: null as Checkpoint | null,
    clears: 0,
    async save(c: Checkpoint) {
      sink.current = structuredClone(c);
      sink.all.push(sink.current);
    },
    async load() {
      return sink.current;
    },
    async clear() {
      sink.clears++;
      sink.current = null;
    },
  };
  return sink;
}

async function session(sink: CheckpointSink | null, events: EngineEvent[] = []): Promise<EngineSession> {
  const s = new EngineSession((e) => events.push(e), sink);
  s.pools = loadDigitsNode();
  await s.loadDemoAt('segmentation', 'http://127.0.0.1:1/', { inputSize: 16 });
  return s;
}

const values = (c: Checkpoint) =>
  [c.tokens, ...(c.branch ?? []), ...(c.student ?? []), ...(c.align ?? []), ...c.optimizer, ...(c.best?.weights ?? [])]
    .filter((a) => a !== null)
    .map((a) => [a.name.replace(/_\d+/g, ''), Array.from(a.data)]);

const progressOf = (events: EngineEvent[]): RunProgress[] => events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));

it('stage 1 resumed from its step-4 checkpoint ends exactly where the straight run ended', async () => {
  const sink = recordingSink();
  const s = await session(sink);
  const config: MaskStageConfig = { numTokens: 3, steps: 8, batchSize: 2, lr: 0.05, diceWeight: 1, tokenWeights: true, seed: 3, checkpointEvery: 4 };
  expect(await s.learnMasks(1, config)).toEqual({ step: 8, stopped: false });
  const straight = await s.exportState();
  expect(straight).toMatchObject({ kind: 'masks', step: 8, reason: 'end' });
  // Interval checkpoints at 4 and 8 were stored; the finished run then cleared the store.
  expect(sink.all.map((c) => [c.step, c.reason])).toEqual([
    [4, 'interval'],
    [8, 'interval'],
  ]);
  expect(sink.current).toBeNull();

  const at4 = sink.all[0];
  expect(at4.history.every((h) => h.step <= 4)).toBe(true);
  expect(at4.optimizer[0].data[0]).toBe(4); // Adam's iteration count
  const r = await s.learnMasks(2, at4.config as MaskStageConfig, at4);
  expect(r).toEqual({ step: 8, stopped: false });
  const resumed = await s.exportState();
  expect(resumed.step).toBe(8);
  expect(values(resumed)).toEqual(values(straight));
  // The history carries on from the checkpoint's: what it had up to step 4 is kept as it was.
  expect(resumed.history.filter((h) => h.step <= 4)).toEqual(at4.history);
  expect(resumed.history.at(-1)?.step).toBe(8);
  s.dispose();
}, 120_000);

it('stage 1 with the reference segmentation recipe (SGD momentum 0.9, weight decay, poly) resumes exactly too', async () => {
  const sink = recordingSink();
  const s = await session(sink);
  const config: MaskStageConfig = {
    numTokens: 3, steps: 8, batchSize: 2, lr: 0.1, diceWeight: 1, tokenWeights: true, seed: 3, checkpointEvery: 4,
    optimizer: 'sgd', momentum: 0.9, weightDecay: 1e-3, schedule: 'poly',
  };
  await s.learnMasks(1, config);
  const straight = await s.exportState();
  const at4 = sink.all[0];
  expect(at4.step).toBe(4);
  // Momentum's state: its iteration count, then one velocity per variable (tokens + the branch's four).
  expect(at4.optimizer[0].data[0]).toBe(4);
  expect(at4.optimizer.length).toBe(1 + 1 + 4);
  expect(at4.optimizer.slice(1).every((o) => o.name.endsWith('/momentum'))).toBe(true);
  // A fresh run of the same config from that checkpoint: the same tokens, branch and velocities at step 8.
  const r = await s.learnMasks(2, at4.config as MaskStageConfig, at4);
  expect(r).toEqual({ step: 8, stopped: false });
  expect(values(await s.exportState())).toEqual(values(straight));
  // …and not those of an Adam run of the same config (the optimiser did come from the checkpoint's config).
  await s.learnMasks(3, { ...config, optimizer: 'adam', checkpointEvery: 0 });
  expect(values(await s.exportState())).not.toEqual(values(straight));
  s.dispose();
}, 120_000);

it('stage 2 resumed from its step-3 checkpoint ends with the same student, align, Adam state and best', async () => {
  const sink = recordingSink();
  const events: EngineEvent[] = [];
  const s = await session(sink, events);
  await s.learnMasks(1, { numTokens: 3, steps: 2, batchSize: 2, lr: 0.05, diceWeight: 1, tokenWeights: false, seed: 3, checkpointEvery: 0 });
  const config: DistillConfig = { method: 'maskd', params: { customMask: false }, steps: 6, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 2, valCount: 2, checkpointEvery: 3 };
  const straightResult = await s.distill(2, config);
  const straight = await s.exportState();
  const at3 = sink.all.find((c) => c.step === 3)!;
  expect(at3.kind).toBe('distill');
  expect(at3.best?.step).toBe(2);
  // Steps with a metric always reach the charts (and the history).
  expect(at3.history.filter((h) => h.metric).map((h) => h.step)).toEqual([2]);
  const resumedResult = await s.distill(3, config, at3);
  const resumed = await s.exportState();
  expect(resumedResult).toEqual(straightResult);
  expect(values(resumed)).toEqual(values(straight));
  expect(resumed.history.filter((h) => h.metric)).toEqual(straight.history.filter((h) => h.metric));
  const resumedProgress = progressOf(events).filter((p) => p.runId === 3);
  expect(resumedProgress[0].step).toBeGreaterThan(3);
  s.dispose();
}, 120_000);

it('a comparison stored mid-way (second method, step 2) resumes to the same rows as the straight comparison', async () => {
  const sink = recordingSink();
  const s = await session(sink);
  await s.learnMasks(1, { numTokens: 3, steps: 2, batchSize: 2, lr: 0.05, diceWeight: 1, tokenWeights: false, seed: 3, checkpointEvery: 0 });
  const config = { steps: 4, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 2, valCount: 2, checkpointEvery: 2 };
  const straight = await s.compare(2, ['none', 'fitnet'], config);
  const key = (rows: readonly { method: string; metric: number; finalLoss: number; curve: readonly (readonly [number, number])[] }[]) =>
    rows.map((r) => [r.method, r.metric, r.finalLoss, r.curve]);
  // The second method is stored from its start (the first row is worth keeping), then at step 2.
  const stored = sink.all.filter((c) => c.kind === 'distill' && c.config.method === 'fitnet').map((c) => [c.step, c.reason]);
  expect(stored).toEqual([
    [0, 'start'],
    [2, 'interval'],
    [4, 'interval'],
  ]);
  const at2 = sink.all.find((c) => c.kind === 'distill' && c.config.method === 'fitnet' && c.step === 2)!;
  if (at2.kind !== 'distill' || !at2.compare) throw new Error('no comparison in the checkpoint');
  expect(at2.compare.methods).toEqual(['none', 'fitnet']);
  expect(key(at2.compare.rows)).toEqual(key(straight.slice(0, 1)));
  expect(at2.compare.histories.none?.at(-1)?.step).toBe(4);

  sink.current = at2;
  const resumed = await s.resumeCheckpoint(3, 'http://127.0.0.1:1/');
  if (resumed.kind !== 'compare') throw new Error(`resumed a ${resumed.kind}`);
  expect(key(resumed.rows)).toEqual(key(straight));
  expect(sink.current).toBeNull();
  s.dispose();
}, 120_000);

it('a comparison over two seeds runs each seed’s methods in turn, and resumes mid-way through the second seed to the same rows', async () => {
  const sink = recordingSink();
  const s = await session(sink);
  await s.learnMasks(1, { numTokens: 3, steps: 2, batchSize: 2, lr: 0.05, diceWeight: 1, tokenWeights: false, seed: 3, checkpointEvery: 0 });
  const config = { steps: 4, batchSize: 2, lr: 0.01, seed: 5, evalEvery: 2, valCount: 2, checkpointEvery: 2 };
  const key = (rows: readonly { method: string; seed?: number; metric: number; finalLoss: number }[]) =>
    rows.map((r) => [r.method, r.seed, r.metric, r.finalLoss]);
  const straight = await s.compare(2, ['none', 'fitnet'], { ...config, seeds: [5, 6] });
  expect(straight.map((r) => [r.method, r.seed])).toEqual([['none', 5], ['fitnet', 5], ['none', 6], ['fitnet', 6]]);
  // Each seed's rows are that seed's comparison alone: its own init and data order, nothing carried over.
  const alone = await s.compare(3, ['none', 'fitnet'], { ...config, seed: 6 });
  expect(key(straight.slice(2))).toEqual(key(alone));
  expect(straight[0].finalLoss).not.toBe(straight[2].finalLoss);

  const at2 = sink.all.find((c) => c.kind === 'distill' && c.config.method === 'fitnet' && c.config.seed === 6 && c.step === 2)!;
  if (at2.kind !== 'distill' || !at2.compare) throw new Error('no comparison in the checkpoint');
  expect(at2.compare.seeds).toEqual([5, 6]);
  expect(at2.compare.rows.map((r) => [r.method, r.seed])).toEqual([['none', 5], ['fitnet', 5], ['none', 6]]);
  sink.current = at2;
  const resumed = await s.resumeCheckpoint(4, 'http://127.0.0.1:1/');
  if (resumed.kind !== 'compare') throw new Error(`resumed a ${resumed.kind}`);
  expect(key(resumed.rows)).toEqual(key(straight));
  s.dispose();
}, 240_000);

it('an injected NaN skips the step and pauses with the last good state stored; a lower lr resumes it', async () => {
  const sink = recordingSink();
  const events: EngineEvent[] = [];
  const s = await session(sink, events);
  const run = s.learnMasks(1, { numTokens: 3, steps: 12, batchSize: 2, lr: 0.05, diceWeight: 1, tokenWeights: false, seed: 3, checkpointEvery: 0 });
  while (s.control.step < 2) await new Promise((r) => setTimeout(r, 5));
  s.debugInjectNonFinite();
  while (!s.control.isPaused) await new Promise((r) => setTimeout(r, 5));
  const at = s.control.step;
  await new Promise((r) => setTimeout(r, 100));
  expect(s.control.step).toBe(at);
  const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.warning] : []));
  // Said once, with its kind and step (the pause carries the same text as its reason, not as a second warning).
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({ kind: 'nan', step: at + 1 });
  expect(warnings[0].text).toBe(
    `the task loss became NaN at step ${at + 1}; the step was skipped and the run paused. Lower the learning rate and resume.`,
  );
  // The pause stored the state before the bad step: same step, all finite.
  await s.checkpoints.flush();
  expect(sink.current).toMatchObject({ reason: 'pause', step: at });
  expect(values(sink.current!).every(([, v]) => (v as number[]).every(Number.isFinite))).toBe(true);
  s.setLearningRate(0.005);
  s.control.resume();
  expect(await run).toEqual({ step: 12, stopped: false });
  const end = await s.exportState();
  expect(end.lr).toBe(0.005);
  s.dispose();
}, 120_000);

it('keeps the tensor count flat over 101 checkpointed stage-1 steps and 100 stage-2 steps', async () => {
  const events: EngineEvent[] = [];
  const s = await session(recordingSink(), events);
  await s.learnMasks(1, { numTokens: 3, steps: 101, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: false, seed: 3, checkpointEvery: 10 });
  const masks = progressOf(events).filter((p) => p.runId === 1);
  // The warm-up in steps, as a checkpoint from before it was a share holds it: read as 10 of 100 steps.
  await s.distill(2, { method: 'maskd', params: { customMask: true, customMaskWarmup: 10 }, steps: 100, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 20, valCount: 2, checkpointEvery: 10 });
  const distill = progressOf(events).filter((p) => p.runId === 2);
  console.log(`[resume.test] numTensors stage 1 at steps ${masks.map((p) => `${p.step}:${p.numTensors}`).join(' ')}`);
  console.log(`[resume.test] numTensors stage 2 at steps ${distill.map((p) => `${p.step}:${p.numTensors}`).join(' ')}`);
  // From the second step on (Adam's slots exist), every report has the same count.
  const after = (ps: RunProgress[]) => ps.filter((p) => p.step >= 2).map((p) => p.numTensors);
  expect(masks.at(-1)!.step).toBe(101);
  expect(new Set(after(masks)).size).toBe(1);
  // Stage 2 holds one best-student copy from the first evaluation (step 20) on.
  expect(new Set(distill.filter((p) => p.step >= 20).map((p) => p.numTensors)).size).toBe(1);
  expect(distill.filter((p) => p.step >= 20).length).toBeGreaterThanOrEqual(5);
  s.dispose();
}, 300_000);

it('evaluate scores the teacher and the live student; exportState while training waits for the step boundary', async () => {
  const s = await session(null);
  const before = await s.evaluate('both', 4);
  expect(before.valCount).toBe(4);
  expect(before.student?.name).toBe('mIoU');
  expect(before.teacher?.value).toBeGreaterThanOrEqual(0);
  expect(Object.keys(await s.evaluate('teacher', 4))).toEqual(['valCount', 'teacher']);
  const run = s.distill(1, { method: 'fitnet', params: {}, steps: 6, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 100, valCount: 2 });
  while (s.control.step < 1) await new Promise((r) => setTimeout(r, 5));
  await expect(s.evaluate('student', 4)).rejects.toThrow(/pause it before evaluating/);
  const mid = await s.exportState();
  expect(mid.kind).toBe('distill');
  expect(mid.step).toBeGreaterThanOrEqual(1);
  expect(mid.student?.length).toBeGreaterThan(0);
  // A copy: transferring it must not touch the session's own.
  mid.student![0].data.fill(NaN);
  s.control.pause();
  while (!s.control.isPaused) await new Promise((r) => setTimeout(r, 5));
  const paused = await s.evaluate('student', 4);
  expect(paused.student?.name).toBe('mIoU');
  s.control.stop();
  await run;
  const end = await s.exportState();
  expect(end.student!.every((a) => a.data.every(Number.isFinite))).toBe(true);
  s.dispose();
}, 120_000);
