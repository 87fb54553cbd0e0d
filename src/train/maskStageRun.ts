// One stage-1 run: receptive tokens learnt on the demo's teacher, with progress, snapshots,
// checkpoints, pause/stop and collapse warnings.
import * as tf from '@tensorflow/tfjs';
import type { Checkpoint } from '../engine/checkpoint';
import { installTokens } from './demo';
import { MaskLearner } from './maskStage';
import { loadOptimizerState } from './optimizerState';
import type { MaskStageConfig } from '../engine/runConfigs';
import type { MasksResult } from '../engine/runResults';
import { RunProgressSender, sendProgress, sendSnapshot, stepProgress, WorkReporter, type RunContext } from './runLoop';
import { guardedStep, StepTimer } from './stepDriver';
import { branchFromArrays, branchToArrays, readOptimizerState, tokensFromArray, tokensToArray } from './runState';
import { isConsistency, maskObjective, stageAdapter } from './objective';
import { ProgressThrottle } from './throttle';

/** `from` resumes a checkpoint of a mask-learning run exactly (step, tokens, Adam, history). */
export async function runMaskStage(ctx: RunContext, id: number, config: MaskStageConfig, from: Checkpoint | undefined): Promise<MasksResult> {
  const { control, checkpoints } = ctx;
  const demo = ctx.requireDemo();
  const objective = maskObjective(demo, config.objective);
  const adapter = stageAdapter(demo, objective === 'teacher', demo.microBatch);
  const work = new WorkReporter(ctx, id, 'masks', config.steps);
  if (isConsistency(adapter)) adapter.onWork = (done, total) => work.report(done, total, 'teacher');
  const learner = new MaskLearner({
    teacher: demo.teacherSplit,
    adapter,
    scenes: (k) => demo.source.trainBatch(config.seed, k, config.batchSize),
    config,
    microBatch: demo.microBatch,
    onWork: (done, total) => work.report(done, total, 'step'),
    ...(from?.tokens ? { tokens: tokensFromArray(from.tokens), branch: from.branch ? branchFromArrays(from.branch) : null } : {}),
  });
  // The new tokens replace the old ones now, so a snapshot while paused shows them.
  installTokens(demo, learner.tokens, learner.branch, config);
  const progress = new RunProgressSender((p) => {
    work.last = p;
    sendProgress(ctx, id, p);
  });
  const snapshots = new ProgressThrottle(1000);
  let snapshotStep = -1;
  // A slow teacher's snapshot is slow too: at most a fifth of the time goes to them.
  let snapshotMs = 0;
  let snapshotEnd = 0;
  const snapshot = async (step: number) => {
    snapshotStep = step;
    const t0 = performance.now();
    await sendSnapshot(ctx, id, step, 'masks');
    snapshotEnd = performance.now();
    snapshotMs = snapshotEnd - t0;
  };
  const snapshotDue = () => performance.now() - snapshotEnd >= 4 * snapshotMs && snapshots.ready();
  // Before waiting on a pause: the page gets the step it paused at, masks included, then the checkpoint.
  const onPause = async () => {
    progress.flush();
    if (snapshotStep !== learner.step) await snapshot(learner.step);
    await checkpoints.onPause();
  };
  const timer = new StepTimer();
  let collapseWarned = false;
  control.begin();
  try {
    if (from) {
      learner.step = from.step;
      learner.baseLr = from.lr;
      await loadOptimizerState(learner.optimizer, from.optimizer);
      control.step = from.step;
    }
    ctx.setLive({ trainer: learner, student: null });
    await checkpoints.begin(
      { kind: 'masks', config, task: demo.task, inputSize: demo.inputShape[0], total: config.steps, backend: tf.getBackend() },
      // Reads, like every read of a run, are guarded: on a lost device they would never settle.
      () =>
        ctx.device.guard(
          (async () => ({
            step: learner.step,
            lr: learner.baseLr,
            tokens: await tokensToArray(learner.tokens),
            branch: learner.branch ? await branchToArrays(learner.branch) : null,
            student: null,
            align: null,
            optimizer: await readOptimizerState(learner.optimizer),
            best: null,
          }))(),
        ),
      from?.history,
    );
    await snapshot(learner.step);
    while (learner.step < config.steps && (await control.gate(onPause))) {
      const report = await guardedStep(ctx, learner, timer, progress);
      if (!report) continue;
      // Tokens start near zero, so every mask starts at ~0.5 (Dice ≈ 1): judge collapse only
      // after a warm-up of 10% of the run (at least 20 steps, at most the whole run).
      const judged = report.step >= Math.min(config.steps, Math.max(20, Math.round(0.1 * config.steps)));
      if (report.collapse && judged && !collapseWarned) {
        collapseWarned = true;
        ctx.post({ type: 'warning', warning: { kind: 'collapse', text: `mask collapse at step ${report.step}: ${report.collapse}`, step: report.step } });
      }
      const last = report.step === config.steps;
      progress.offer(
        {
          ...stepProgress(id, report.step, config.steps, report.losses, timer),
          stage: 'masks',
          tokenAreas: report.tokenAreas,
          tokenWeights: report.tokenWeights,
          ...(objective === 'teacher' ? { objective } : {}),
        },
        last || control.isPaused,
      );
      if (snapshotDue() || last || control.isPaused) await snapshot(report.step);
      await checkpoints.afterStep(report.step);
    }
    // A stopped run ends with the masks of its last step too.
    if (snapshotStep !== learner.step) await snapshot(learner.step);
    await checkpoints.end();
    return { step: learner.step, stopped: learner.step < config.steps };
  } catch (err) {
    checkpoints.abandon();
    throw err;
  } finally {
    ctx.setLive(null);
    learner.dispose();
  }
}
