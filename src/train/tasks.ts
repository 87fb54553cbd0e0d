// One adapter per task: scenes → tensors, the task loss, and the validation metric.
import * as tf from '@tensorflow/tfjs';
import { detectionBatch, disposeBatch, imagesTensor, segmentationBatch } from '../data/batches';
import { decodeCenterNet } from '../data/centernet';
import type { Box, ScoredBox } from '../data/boxes';
import type { Scene } from '../data/scenes';
import { detectionLoss, SEG_FOREGROUND_WEIGHT, segmentationLoss } from '../models/losses';
import { accumulateConfusion, argmaxLabels, averagePrecision, createConfusion, meanIoU, pixelAccuracy } from '../models/metrics';
import { DET_HEAT_CHANNELS, NET_STRIDE, SEG_CLASSES, type Task } from '../models/nets';

/** A batch on the device plus the task loss of a prediction on it. Owns its tensors. */
export interface TaskBatch {
  readonly images: tf.Tensor4D;
  /** The teacher's tap feature of `images`, when the batch computed it (label-free batches). */
  readonly teacherFeature?: tf.Tensor4D;
  /** The model's output (several for a multi-output model) → the loss. */
  loss(output: tf.Tensor | tf.Tensor[]): tf.Scalar;
  /** The loss of images [from, from + count) alone, for a batch that splits into micro-batches exactly. */
  sliceLoss?(from: number, count: number, output: tf.Tensor | tf.Tensor[]): tf.Scalar;
  dispose(): void;
}

export interface TaskMetrics {
  /** The headline number: mIoU for segmentation, AP@0.5 for detection. */
  readonly primary: number;
  readonly extra: Readonly<Record<string, number>>;
}

/** Maps images to the model's output (one per output of a multi-output model); the caller decides training mode. */
export type Predictor = (images: tf.Tensor4D) => tf.Tensor | tf.Tensor[];

const single = (out: tf.Tensor | tf.Tensor[]): tf.Tensor4D => (Array.isArray(out) ? out[0] : out) as tf.Tensor4D;

export interface TaskAdapter {
  readonly task: Task;
  /** Segmentation classes (with background) or detection classes. */
  readonly numClasses: number;
  readonly metricName: string;
  makeBatch(scenes: readonly Scene[]): TaskBatch;
  evaluate(predict: Predictor, scenes: readonly Scene[], batchSize: number): Promise<TaskMetrics>;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const segmentationAdapter = (numClasses: number): TaskAdapter => ({
  task: 'segmentation',
  numClasses,
  metricName: 'mIoU',
  makeBatch(scenes) {
    const b = segmentationBatch(scenes);
    return { images: b.images, loss: (out) => segmentationLoss(single(out), b.labels, SEG_FOREGROUND_WEIGHT), dispose: () => disposeBatch(b) };
  },
  async evaluate(predict, scenes, batchSize) {
    const conf = createConfusion(numClasses);
    for (const part of chunks(scenes, batchSize)) {
      const images = imagesTensor(part);
      const logits = tf.tidy(() => single(predict(images)));
      const data = await logits.data();
      tf.dispose([images, logits]);
      const pred = argmaxLabels(data, numClasses);
      const pixels = part[0].height * part[0].width;
      part.forEach((s, i) => accumulateConfusion(conf, s.labels, pred.subarray(i * pixels, (i + 1) * pixels)));
    }
    return { primary: meanIoU(conf), extra: { pixelAccuracy: pixelAccuracy(conf) } };
  },
});

const detectionAdapter = (numClasses: number): TaskAdapter => ({
  task: 'detection',
  numClasses,
  metricName: 'AP@0.5',
  makeBatch(scenes) {
    const b = detectionBatch(scenes, { numClasses });
    return { images: b.images, loss: (out) => detectionLoss(single(out), b), dispose: () => disposeBatch(b) };
  },
  async evaluate(predict, scenes, batchSize) {
    const detections: ScoredBox[][] = [];
    const truth: Box[][] = [];
    for (const part of chunks(scenes, batchSize)) {
      const images = imagesTensor(part);
      const [heat, size, offset] = tf.tidy(() => {
        const out = single(predict(images));
        const [h, s, o] = tf.split(out, [numClasses, 2, 2], 3);
        return [tf.sigmoid(h), s, o];
      });
      const [hd, sd, od] = await Promise.all([heat.data(), size.data(), offset.data()]);
      const [, gh, gw] = heat.shape;
      tf.dispose([images, heat, size, offset]);
      const cellsHeat = gh * gw * numClasses;
      const cells2 = gh * gw * 2;
      part.forEach((s, i) => {
        detections.push(
          decodeCenterNet(
            hd.subarray(i * cellsHeat, (i + 1) * cellsHeat),
            sd.subarray(i * cells2, (i + 1) * cells2),
            od.subarray(i * cells2, (i + 1) * cells2),
            gh,
            gw,
            { stride: NET_STRIDE, numClasses },
          ),
        );
        truth.push([...s.boxes]);
      });
    }
    const ap = averagePrecision(detections, truth, numClasses);
    return { primary: Number.isNaN(ap.mAP) ? 0 : ap.mAP, extra: {} };
  },
});

const segmentation = segmentationAdapter(SEG_CLASSES);
const detection = detectionAdapter(DET_HEAT_CHANNELS);

/** The task's adapter; `numClasses` defaults to the digit demo's (11 segmentation, 10 detection). */
export function taskAdapter(task: Task, numClasses?: number): TaskAdapter {
  if (numClasses === undefined) return task === 'segmentation' ? segmentation : detection;
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`taskAdapter: numClasses must be a positive integer, got ${numClasses}`);
  return task === 'segmentation' ? segmentationAdapter(numClasses) : detectionAdapter(numClasses);
}
