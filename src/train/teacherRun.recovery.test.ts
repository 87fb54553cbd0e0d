// A lost device during a teacher run takes the stages' recovery path: the step's guarded read
// fails, DeviceRecovery moves to the next backend (here wasm → cpu: a file of its own, as the
// backend stays moved) with the same warning, and the run continues there from its resume point
// (taken at its pause), its net rebuilt on the new backend.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { loadDigitsNode } from '../data/digitsNode';
import type { EngineEvent } from '../engine/contract';
import type { TrainTeacherRequest } from '../engine/runConfigs';
import { disposeModel } from '../models/disposeModel';
import { buildTeacher } from '../models/nets';
import type { Demo } from './demo';
import { demoSource } from './demo';
import { DeviceRecovery } from './deviceRecovery';
import { DeviceLostError, DeviceWatch } from './deviceWatch';
import type { RunCheckpointer } from './runCheckpointer';
import { RunControl } from './runControl';
import { reseedKernels } from './seededInit';
import { runTeacherRecovering } from './teacherRun';

beforeAll(async () => {
  await useWasmBackend();
});

/**
 * A watch whose guarded read fails as a lost device's would once the run has reached `loseAfter`.
 * It also pauses the run after step `pauseAfter`, and resumes it once the read at the pause (the
 * resume point) is done.
 */
class LosingWatch extends DeviceWatch {
  constructor(
    private readonly control: RunControl,
    private pauseAfter: number | null,
    private loseAfter: number | null,
  ) {
    super();
  }

  override async guard<T>(work: Promise<T>): Promise<T> {
    if (this.control.isPaused) {
      const read = await work;
      setTimeout(() => this.control.resume(), 0);
      return read;
    }
    if (this.pauseAfter !== null && this.control.step === this.pauseAfter) {
      this.pauseAfter = null;
      this.control.pause();
    }
    if (this.loseAfter === null || this.control.step < this.loseAfter) return work;
    this.loseAfter = null;
    // Let the abandoned step end before its net is freed (on a real loss the device ends it).
    await work.catch(() => {});
    throw new DeviceLostError({ reason: 'destroyed', message: 'simulated' });
  }
}

it('a device lost mid-run: the teacher run moves to the next backend and continues from its last resume point', async () => {
  const events: EngineEvent[] = [];
  const control = new RunControl((info) => events.push({ type: 'pauseState', info }));
  // Paused after step 2 (the resume point is taken at the pause, after step 3 ends), lost on step 6.
  const device = new LosingWatch(control, 2, 5);
  const demo = { task: 'segmentation', base: 'http://127.0.0.1:1/', options: {} } as unknown as Demo;
  const moves: string[] = [];
  const recovery = new DeviceRecovery({
    post: (e) => events.push(e),
    control,
    device,
    checkpoints: { last: null } as unknown as RunCheckpointer,
    requireDemo: () => demo,
    fallbackOrder: () => ['cpu'],
    idle: () => false,
    disposeDemo: () => moves.push(`dispose on ${tf.getBackend()}`),
    loadDemo: async () => moves.push(`load on ${tf.getBackend()}`),
  });
  const req: TrainTeacherRequest = { task: 'segmentation', steps: 8, batchSize: 2, lr: 1e-3, seed: 1, evalEvery: 4, valCount: 2, valSeed: 7 };
  const build = async () => {
    const net = buildTeacher('segmentation', { inputShape: [16, 16, 3] });
    reseedKernels(net, 1);
    return net;
  };
  const ctx = { post: (e: EngineEvent) => events.push(e), control, device };
  const { run, model } = await runTeacherRecovering(ctx, recovery, 1, req, demoSource(loadDigitsNode(), 'segmentation', 16), build);

  expect(run).toMatchObject({ step: 8, stopped: false });
  expect(tf.getBackend()).toBe('cpu');
  expect(moves).toEqual(['dispose on wasm', 'load on cpu']);
  const warnings = events.flatMap((e, i) => (e.type === 'warning' ? [{ at: i, warning: e.warning }] : []));
  expect(warnings).toHaveLength(1);
  const { at, warning } = warnings[0];
  expect(warning.kind).toBe('device-lost');
  expect(warning.step).toBe(5);
  expect(warning.text).toMatch(/^the WebGPU device was lost \(destroyed: simulated\) at step 5\. The engine moved to cpu and continues the run from its last checkpoint \(step 3\); the history is kept\.$/);
  expect(events.find((e) => e.type === 'backendChanged')).toMatchObject({ status: { backend: 'cpu' } });
  // Before the loss, steps up to 5 at most (which of them went out depends on the 250 ms progress
  // throttle, so on the machine's speed); after it, from the step after the resume point to the end.
  const steps = (from: number, to?: number) => events.slice(from, to).flatMap((e) => (e.type === 'progress' ? [e.progress.step] : []));
  expect(steps(0, at).at(-1)).toBeLessThanOrEqual(5);
  expect(steps(0, at).at(-1)).toBeGreaterThanOrEqual(3);
  expect(steps(at)[0]).toBe(4);
  expect(steps(at).at(-1)).toBe(8);
  expect(Number.isFinite(run.metric)).toBe(true);
  disposeModel(model);
});
