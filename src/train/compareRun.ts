// A comparison: stage 2 for each method in turn (and each seed, in order) from the same student
// init, data order and budget. Each method's run checkpoints like a single distillation, with the
// rows and curves of the methods before it, so a reload or a lost device resumes the comparison.
import * as tf from '@tensorflow/tfjs';
import type { Checkpoint, CompareProgress, HistoryEntry } from '../engine/checkpoint';
import type { CompareConfig, DistillConfig } from '../engine/runConfigs';
import type { CompareRow } from '../engine/runResults';
import type { MethodName } from '../maskd/methods';
import { disposeModel } from '../models/disposeModel';
import { CompareClock } from './compareClock';
import { replaceTokens } from './demo';
import type { DeviceRecovery } from './deviceRecovery';
import { runDistill } from './distillRun';
import type { RunContext } from './runLoop';
import { timeTeacherForward } from './teacherForwardTime';

/** `from` continues a comparison from its checkpoint (the method and seed it was in). */
export async function runComparison(
  ctx: RunContext,
  recovery: DeviceRecovery,
  id: number,
  methods: readonly MethodName[],
  config: CompareConfig,
  from?: Checkpoint,
): Promise<CompareRow[]> {
  const done = from?.kind === 'distill' ? from.compare : undefined;
  const rows: CompareRow[] = [...(done?.rows ?? [])];
  const histories: Partial<Record<MethodName, readonly HistoryEntry[]>> = { ...(done?.histories ?? {}) };
  const { params: perMethod, seeds: asked, ...budget } = config;
  // Several seeds: the whole comparison once per seed, in order; every method of a seed starts from that seed's init.
  const seeds = asked?.length ? asked : [budget.seed];
  const firstSeed = from?.kind === 'distill' ? seeds.indexOf(from.config.seed) : 0;
  const firstMethod = from?.kind === 'distill' ? methods.indexOf(from.config.method) : 0;
  if (firstSeed < 0 || firstMethod < 0) throw new Error('the checkpoint belongs to another comparison');
  const clock = new CompareClock(
    { methods, seeds: seeds.length, stepsPerRun: budget.steps, batchSize: budget.batchSize },
    { teacherMs: await teacherForwardMs(ctx, budget.batchSize), runsTeacher: (m) => m !== 'none' },
  );
  // Each progress goes out with where it stands in the whole comparison (its checkpoint history records it without).
  const runCtx: RunContext = {
    ...ctx,
    post: (event, transfer) =>
      ctx.post(event.type === 'progress' ? { ...event, progress: { ...event.progress, compare: clock.standing(event.progress, ctx.control.isPaused) } } : event, transfer),
  };
  for (let s = firstSeed; s < seeds.length && !ctx.control.stopped; s++) {
    const seedBudget = { ...budget, seed: seeds[s] };
    for (let i = s === firstSeed ? firstMethod : 0; i < methods.length; i++) {
      const method = methods[i];
      const params = perMethod?.[method] ?? {};
      const compare: CompareProgress = {
        methods,
        ...(perMethod ? { params: perMethod } : {}),
        ...(seeds.length > 1 ? { seeds } : {}),
        rows: [...rows],
        histories: { ...histories },
      };
      const runConfig: DistillConfig = { ...seedBudget, method, params };
      const resumed = s === firstSeed && i === firstMethod ? from : undefined;
      clock.startRun(s * methods.length + i, resumed?.step ?? 0);
      const { row, student, best } = await recovery.run('distill', resumed, (ckpt) => {
        if (ckpt?.tokens) replaceTokens(ctx.requireDemo(), ckpt);
        return runDistill(runCtx, id, method, params, seedBudget, { from: ckpt, config: runConfig, compare });
      });
      clock.endRun();
      histories[method] = ctx.checkpoints.last?.history ?? [];
      disposeModel(student);
      if (best) tf.dispose(best);
      rows.push(row);
      ctx.post({ type: 'compareRow', id, row });
      if (ctx.control.stopped) break;
    }
  }
  return rows;
}

/**
 * A teacher forward at the comparison's batch, on the built-in teacher; null for a user's teacher
 * (it may be large, and its steps run in micro-batches) or a label-free one (its outputs are in
 * every method's batch): the ETA then predicts unrun methods from the measured ones alone.
 */
async function teacherForwardMs(ctx: RunContext, batchSize: number): Promise<number | null> {
  const demo = ctx.requireDemo();
  if (demo.user || demo.mimic) return null;
  return ctx.device.guard(timeTeacherForward(demo.teacherSplit.backbone, demo.inputShape, batchSize));
}
