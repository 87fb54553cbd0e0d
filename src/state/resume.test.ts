import { beforeEach, expect, it } from 'vitest';
import type { CheckpointInfo } from '../engine/checkpoint';
import { connectEngine, discardStoredRun, learnMasks, resumeStoredRun, setRunLearningRate, startApp } from './actions';
import { seriesKey } from '../share/series';
import { useAppStore } from './store';
import { stubEngineHost, type StubSession } from './testing/stubEngineHost';

const initial = useAppStore.getState();
const s = () => useAppStore.getState();
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

let engines: StubSession[];
let host: ReturnType<typeof stubEngineHost>['host'];

const stored: CheckpointInfo = {
  kind: 'distill',
  task: 'segmentation',
  method: 'fitnet',
  step: 3,
  total: 5,
  savedAt: 0,
  reason: 'pause',
  backend: 'webgpu',
  history: [
    { step: 1, losses: { task: 1, distill: 0.5, total: 1.5 } },
    { step: 2, losses: { task: 0.8, distill: 0.4, total: 1.2 }, metric: { name: 'mIoU', value: 0.2 } },
    { step: 3, losses: { task: 0.7, distill: 0.3, total: 1 } },
  ],
  compare: null,
};

beforeEach(() => {
  useAppStore.setState(initial, true);
  const fh = stubEngineHost();
  engines = fh.engines;
  host = fh.host;
  connectEngine(host);
  host.get();
  engines[0].stored = stored;
});

it('offers a stored run after start-up, and resuming restores its curves and continues from its step', async () => {
  await startApp();
  expect(s().resumeOffer).toEqual(stored);
  const done = resumeStoredRun();
  expect(s().resumeOffer).toBeNull();
  expect(s().runPhase).toBe('running');
  // The charts have the checkpoint's history before the first new step arrives.
  expect(s().losses[seriesKey('distill', 'fitnet', 'total')].points).toEqual([
    { x: 1, y: 1.5 },
    { x: 2, y: 1.2 },
    { x: 3, y: 1 },
  ]);
  expect(s().metrics[seriesKey('distill', 'fitnet', 'mIoU')].points).toEqual([{ x: 2, y: 0.2 }]);
  await done;
  expect(engines[0].calls).toContain('resumeCheckpoint:distill:3');
  expect(s().runPhase).toBe('idle');
  expect(s().losses[seriesKey('distill', 'fitnet', 'total')].points.map((p) => p.x)).toEqual([1, 2, 3, 4, 5]);
});

it('resuming a stored comparison brings back the finished rows and curves, then the rest of it', async () => {
  const noneRow = { method: 'none', metric: 0.3, scored: { split: 'test', scenes: 128 }, bestVal: { metric: 0.3, step: 5 }, metricName: 'mIoU', finalLoss: 2, msPerStep: 5, curve: [[5, 0.3]] } as const;
  engines[0].stored = {
    ...stored,
    compare: {
      methods: ['none', 'fitnet', 'maskd'],
      rows: [noneRow],
      histories: { none: [{ step: 5, losses: { task: 2, total: 2 }, metric: { name: 'mIoU', value: 0.3 } }] },
    },
  };
  await startApp();
  const done = resumeStoredRun();
  expect(s().runKind).toBe('compare');
  expect(s().compareRows).toEqual([noneRow]);
  expect(s().losses[seriesKey('distill', 'none', 'total')].points).toEqual([{ x: 5, y: 2 }]);
  expect(s().losses[seriesKey('distill', 'fitnet', 'total')].points.map((p) => p.x)).toEqual([1, 2, 3]);
  await done;
  expect(engines[0].calls).toContain('resumeCheckpoint:distill:3');
  expect(s().compareRows.map((r) => r.method)).toEqual(['none', 'fitnet', 'maskd']);
  expect(s().losses[seriesKey('distill', 'maskd', 'total')].points.length).toBeGreaterThan(0);
});

it('discard forgets the stored run', async () => {
  await startApp();
  await discardStoredRun();
  expect(s().resumeOffer).toBeNull();
  expect(engines[0].stored).toBeNull();
  expect(engines[0].calls).toContain('discardCheckpoint');
});

it('sets the learning rate of a paused run only, and rejects a non-positive one', async () => {
  engines[0].stored = null;
  await startApp();
  expect(s().resumeOffer).toBeNull();
  setRunLearningRate(0.001);
  expect(engines[0].lr).toBeNull();
  s().runStarted('masks', 'masks', [null]);
  s().pauseChanged(true, 'the task loss became NaN at step 4');
  setRunLearningRate(-1);
  expect(engines[0].lr).toBeNull();
  expect(s().messages.at(-1)?.text).toMatch(/positive/);
  setRunLearningRate(0.001);
  expect(engines[0].lr).toBe(0.001);
  await tick();
});

it('starting another run withdraws the offer (its checkpoints replace the stored one)', async () => {
  await startApp();
  expect(s().resumeOffer).not.toBeNull();
  s().setMask({ steps: 2 });
  await learnMasks();
  expect(s().resumeOffer).toBeNull();
});
