// When the WebGPU device is lost, the session moves to the next backend, loads its demo there
// and, during a run, runs it again from the run's latest checkpoint.
import * as tf from '@tensorflow/tfjs';
import type { Task } from '../models/nets';
import { errorText } from '../errorText';
import { initBackend, selfCheck, type BackendName } from '../backends/init';
import type { Checkpoint } from '../engine/checkpoint';
import { replaceTokens } from './demo';
import type { DeviceLoss } from './deviceWatch';
import type { LoadDemoOptions } from '../engine/models';
import type { RunContext } from './runLoop';
import { setModelWeights } from './runState';

export interface RecoveryHost extends Omit<RunContext, 'setLive'> {
  /** Backends to move to, best first (Auto's measured order, else the fixed preference). */
  fallbackOrder(): readonly BackendName[];
  /** A demo is loaded and no run trains. */
  idle(): boolean;
  disposeDemo(): void;
  loadDemo(task: Task, base: string, options: LoadDemoOptions): Promise<unknown>;
}

/** Where a run starts again after a lost device: a stage's checkpoint, a teacher run's resume point. */
export interface RestartPoint {
  readonly step: number;
}

export class DeviceRecovery {
  private moving: Promise<void> | null = null;

  constructor(private readonly host: RecoveryHost) {}

  /** Set while the models move to another backend after a device loss; requests wait for it. */
  get inProgress(): Promise<void> | null {
    return this.moving;
  }

  /**
   * Runs `body`; when the GPU device is lost under it, moves to the next backend, loads the
   * demo there and runs `body` again from the run's latest in-memory checkpoint.
   */
  run<R>(kind: Checkpoint['kind'], from: Checkpoint | undefined, body: (from: Checkpoint | undefined) => Promise<R>): Promise<R> {
    // The run's own latest checkpoint (taken at its start, then at intervals and pauses).
    const latest = () => {
      const last = this.host.checkpoints.last;
      return last?.kind === kind ? last : undefined;
    };
    return this.runFrom(from, latest, body);
  }

  /**
   * `run` for any run that keeps its own restart points (a teacher run's): after a loss, `body`
   * runs again from `latest()` (or from where it last started, when the run has none yet).
   */
  async runFrom<R, S extends RestartPoint>(from: S | undefined, latest: () => S | undefined, body: (from: S | undefined) => Promise<R>): Promise<R> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await body(from);
      } catch (err) {
        const loss = await this.host.device.explains(err);
        if (!loss || attempt >= 2) throw err;
        from = latest() ?? from;
        await this.moveOffLostDevice(loss, from);
      }
    }
  }

  /**
   * A loss while nothing trains (a run recovers by itself): move the demo to the next backend at
   * once, with the last run's tokens and student, and say so. Call after each `device.arm()`.
   */
  watchIdleLoss(busy: () => boolean): void {
    const { device, post } = this.host;
    const watched = device.lost;
    void watched.then(async (loss) => {
      if (busy() || !this.host.idle() || device.lost !== watched) return;
      try {
        await this.moveOffLostDevice(loss, undefined, 'idle');
        this.watchIdleLoss(busy);
      } catch (err) {
        post({ type: 'error', message: `${errorText(err)}: reload the page` });
      }
    });
  }

  private async moveOffLostDevice(loss: DeviceLoss, from: RestartPoint | undefined, during: 'run' | 'idle' = 'run'): Promise<void> {
    const moving = this.moveDemo(loss, from, during);
    this.moving = moving.catch(() => {});
    try {
      await moving;
    } finally {
      this.moving = null;
    }
  }

  private async moveDemo(loss: DeviceLoss, from: RestartPoint | undefined, during: 'run' | 'idle'): Promise<void> {
    const host = this.host;
    const demo = host.requireDemo();
    const { task, base, options } = demo;
    if (base === null || demo.user) {
      throw new Error(
        `the WebGPU device was lost (${loss.reason}); models trained or loaded in this page cannot be moved to another backend: ` +
          'reload the page and load them again (a trained teacher must be retrained)',
      );
    }
    const failed = tf.getBackend() as BackendName;
    try {
      host.disposeDemo();
    } catch {
      // Its buffers died with the device.
    }
    const order = host.fallbackOrder().filter((b) => b !== failed);
    const status = await initBackend(order.length ? order : ['cpu']);
    status.selfCheck = (await selfCheck()).ok;
    host.device.arm();
    await host.loadDemo(task, base, options);
    const last = host.checkpoints.last;
    if (during === 'idle' && last) {
      // What the last run left (learnt tokens, a distilled student) comes along.
      if (last.tokens) replaceTokens(host.requireDemo(), last);
      if (last.kind === 'distill' && last.student) setModelWeights(host.requireDemo().student, last.student, 'student');
    }
    const reason = `the WebGPU device was lost (${loss.reason}${loss.message ? `: ${loss.message}` : ''})`;
    const text =
      during === 'run'
        ? `${reason} at step ${host.control.step}. The engine moved to ${status.backend} and continues the run from its last ` +
          `checkpoint (step ${from?.step ?? 0}); the history is kept.`
        : `${reason} while no run was training. The engine moved to ${status.backend} and reloaded the models there` +
          `${last ? ' (with the last run’s tokens and student)' : ''}.`;
    host.post({ type: 'warning', warning: { kind: 'device-lost', text, ...(during === 'run' ? { step: host.control.step } : {}) } });
    host.post({ type: 'backendChanged', status: { ...status, fallbackReason: reason }, reason });
  }
}
