// The page's own next steps from a stage-2 checkpoint, for `train.py --check`: a throwaway
// Distiller set up as the engine resumes one (student and align module given the checkpoint's
// weights, Adam's moments and step, the schedule position and the tokens the run used) takes
// `steps` steps on the run's batches, and only their losses are kept.
import type * as tf from '@tensorflow/tfjs';
import type { Checkpoint } from '../engine/checkpoint';
import type { Scene } from '../data/scenes';
import { createMethod } from '../maskd/methods';
import { upgradeMaskdParams } from '../maskd/methodInfo';
import type { SplitModel } from '../models/split';
import { Distiller } from '../train/distillStage';
import { loadOptimizerState } from '../train/optimizerState';
import { branchFromArrays, setModelWeights, tokensFromArray } from '../train/runState';
import type { TaskAdapter } from '../train/tasks';
import type { RunHistoryEntry } from './runBundle';

/** Steps the page's zip records for `--check` (the hand-over check runs over 10). */
export const PAGE_CHECK_STEPS = 10;

export interface PageCheckModels {
  readonly teacher: SplitModel;
  /** A fresh model of the run's student: its weights become the checkpoint's, then move (the caller disposes it). */
  readonly student: tf.LayersModel;
  readonly studentTap?: string;
  readonly adapter: TaskAdapter;
  /** The run's batch of step k (the page's data stream for its seed and batch). */
  readonly scenes: (step: number) => readonly Scene[];
}

/** The losses of the `steps` steps the page would take after `cp`, numbered as the run numbers them. */
export async function pageNextSteps(cp: Checkpoint & { kind: 'distill' }, m: PageCheckModels, steps = PAGE_CHECK_STEPS): Promise<RunHistoryEntry[]> {
  if (!cp.student || !cp.align) throw new Error('pageNextSteps: not a distillation checkpoint');
  const { config } = cp;
  const tokens = cp.tokens ? tokensFromArray(cp.tokens) : null;
  const branch = cp.branch ? branchFromArrays(cp.branch) : null;
  let distiller: Distiller | null = null;
  try {
    setModelWeights(m.student, cp.student, 'student');
    const params = config.method === 'maskd' ? upgradeMaskdParams(config.params, cp.total).params : config.params;
    distiller = new Distiller({
      teacher: m.teacher,
      student: m.student,
      studentTap: m.studentTap,
      adapter: m.adapter,
      method: createMethod(config.method, params as Record<string, number | boolean>),
      scenes: m.scenes,
      steps: cp.total,
      lr: cp.lr,
      tokens,
      branch,
    });
    setModelWeights(distiller.align, cp.align, 'align module');
    distiller.step = cp.step;
    // At step 0 Adam has no state yet (as a fresh run's).
    if (cp.optimizer.length) await loadOptimizerState(distiller.optimizer, cp.optimizer);
    const out: RunHistoryEntry[] = [];
    for (let i = 0; i < steps; i++) {
      const r = await distiller.trainStep();
      out.push({ step: r.step, task: r.losses.task, distill: r.losses.distill, total: r.losses.total, where: 'browser' });
    }
    return out;
  } finally {
    distiller?.dispose();
    tokens?.dispose();
    branch?.dispose();
  }
}
