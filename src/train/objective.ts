// Which loss a stage trains with: the task loss against the data's labels, or the teacher's own
// output (label-free: stage 1's teacher-consistency objective, stage 2's soft targets). The
// label-free adapter computes the teacher's tap feature and outputs of every batch outside the
// gradient tape, a few images at a time (reporting each part, so a slow teacher shows progress
// within a step), and scores a prediction by its agreement with the teacher's outputs.
import * as tf from '@tensorflow/tfjs';
import { imagesTensor } from '../data/batches';
import type { Scene } from '../data/scenes';
import { addAgreement, agreement, consistencyLoss, emptyAgreement, wholeOutput, type OutputSpec } from '../maskd/consistency';
import type { Task } from '../models/nets';
import type { SplitModel } from '../models/split';
import type { MaskObjective } from '../engine/runConfigs';
import type { Demo } from './demo';
import { taskAdapter, type TaskAdapter, type TaskBatch } from './tasks';

/** Called while a batch's teacher outputs are computed, or validation images scored: `done` of `total` images. */
export type WorkHook = (done: number, total: number, what: 'teacher' | 'validation') => void;

/** A label-free adapter: the hook is set by the run that uses it. */
export interface ConsistencyAdapter extends TaskAdapter {
  readonly labelFree: true;
  readonly specs: readonly OutputSpec[];
  onWork: WorkHook | null;
}

export const AGREEMENT = 'agreement';

export const asList = (out: tf.Tensor | tf.Tensor[]): tf.Tensor[] => (Array.isArray(out) ? out : [out]);

/** The objective's view of the built-in task heads: segmentation logits, or CenterNet heatmap logits + sizes and offsets (weighted by the heatmap's peaks). */
export function taskOutputSpecs(task: Task, numClasses: number, shape: readonly number[]): OutputSpec[] {
  if (task === 'segmentation') return [wholeOutput('logits', shape, 'softmax-logits')];
  return [
    {
      name: 'centernet',
      shape,
      parts: [
        { kind: 'sigmoid-logits', from: 0, to: numClasses },
        // Sizes and offsets count at the teacher's own heatmap peaks, where CenterNet trains them.
        { kind: 'regression', from: numClasses, to: numClasses + 4, peaksOf: { from: 0, to: numClasses } },
      ],
    },
  ];
}

/** The teacher's outputs as the label-free objective reads them. */
export function demoOutputSpecs(demo: Demo): readonly OutputSpec[] {
  if (demo.outputSpecs) return demo.outputSpecs;
  const shape = (demo.teacher.outputs[0].shape as number[]).slice(1);
  return taskOutputSpecs(demo.task, demo.source.numClasses, shape);
}

/** Why no labels fit the teacher (so stage 1 and 2 learn from its own outputs), or null. */
export function labelFreeReason(demo: Demo): string | null {
  if (demo.labelFree) return demo.labelFree;
  if (!demo.source.labelled) return 'the dataset has images only, no labels';
  return null;
}

/** The objective a stage-1 run uses: the teacher's own output whenever no labels fit. */
export function maskObjective(demo: Demo, asked: MaskObjective | undefined): MaskObjective {
  return labelFreeReason(demo) ? 'teacher' : (asked ?? 'task');
}

/**
 * The label-free adapter of `teacher` (frozen): batches carry the teacher's tap feature and
 * outputs, the loss is the consistency objective, the metric the agreement with the teacher.
 */
export function consistencyAdapter(task: Task, numClasses: number, teacher: SplitModel, specs: readonly OutputSpec[], chunk = Infinity): ConsistencyAdapter {
  const adapter: ConsistencyAdapter = {
    task,
    numClasses,
    metricName: AGREEMENT,
    labelFree: true,
    specs,
    onWork: null,
    makeBatch(scenes: readonly Scene[]): TaskBatch {
      const images = imagesTensor(scenes);
      const n = scenes.length;
      const step = Math.max(1, Math.min(n, Math.floor(chunk)));
      const parts: { feature: tf.Tensor4D; outputs: tf.Tensor[] }[] = [];
      try {
        for (let i = 0; i < n; i += step) {
          const m = Math.min(step, n - i);
          parts.push(
            tf.tidy(() => {
              const x = m === n ? images : (tf.slice(images, [i, 0, 0, 0], [m, -1, -1, -1]) as tf.Tensor4D);
              const feature = teacher.backbone.apply(x, { training: false }) as tf.Tensor4D;
              return { feature, outputs: asList(teacher.head.apply(feature, { training: false }) as tf.Tensor | tf.Tensor[]) };
            }),
          );
          if (step < n) adapter.onWork?.(i + m, n, 'teacher');
        }
      } catch (err) {
        tf.dispose([images, ...parts.flatMap((p) => [p.feature, ...p.outputs])]);
        throw err;
      }
      let feature: tf.Tensor4D;
      let targets: tf.Tensor[];
      if (parts.length === 1) {
        ({ feature, outputs: targets } = parts[0]);
      } else {
        feature = tf.concat(parts.map((p) => p.feature)) as tf.Tensor4D;
        targets = specs.map((_, k) => tf.concat(parts.map((p) => p.outputs[k])));
        tf.dispose(parts.flatMap((p) => [p.feature, ...p.outputs]));
      }
      return {
        images,
        teacherFeature: feature,
        loss: (out) => consistencyLoss(asList(out), targets, specs),
        sliceLoss: (from, count, out) =>
          tf.tidy(() =>
            consistencyLoss(
              asList(out),
              targets.map((t) => tf.slice(t, [from], [count])),
              specs,
            ),
          ),
        dispose: () => tf.dispose([images, feature, ...targets]),
      };
    },
    async evaluate(predict, scenes, batchSize) {
      const sums = emptyAgreement(specs);
      for (let i = 0; i < scenes.length; i += batchSize) {
        const images = imagesTensor(scenes.slice(i, i + batchSize));
        const targets = tf.tidy(() => asList(teacher.head.apply(teacher.backbone.apply(images, { training: false }), { training: false }) as tf.Tensor | tf.Tensor[]));
        const preds = tf.tidy(() => asList(predict(images)));
        try {
          await addAgreement(sums, preds, targets, specs);
        } finally {
          tf.dispose([images, ...targets, ...preds]);
        }
        adapter.onWork?.(Math.min(i + batchSize, scenes.length), scenes.length, 'validation');
      }
      return { primary: agreement(sums, specs), extra: {} };
    },
  };
  return adapter;
}

/** The adapter a stage uses on `demo`: label-free when `labelFree` (or no labels fit), else the task's. */
export function stageAdapter(demo: Demo, labelFree: boolean, chunk = Infinity): TaskAdapter {
  if (!labelFree && !labelFreeReason(demo)) return taskAdapter(demo.task, demo.source.numClasses);
  return consistencyAdapter(demo.task, demo.source.numClasses, demo.teacherSplit, demoOutputSpecs(demo), chunk);
}

export function isConsistency(adapter: TaskAdapter): adapter is ConsistencyAdapter {
  return (adapter as Partial<ConsistencyAdapter>).labelFree === true;
}
