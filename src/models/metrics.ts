// Evaluation metrics on plain arrays (no tf), accumulated over a whole validation set.
import { iou, type Box, type ScoredBox } from '../data/boxes';

/** Confusion matrix counts[gt * K + pred] over K classes. */
export interface Confusion {
  readonly numClasses: number;
  readonly counts: Float64Array;
}

export function createConfusion(numClasses: number): Confusion {
  return { numClasses, counts: new Float64Array(numClasses * numClasses) };
}

/** Adds one batch of per-pixel labels (same length, values in [0, K)). */
export function accumulateConfusion(conf: Confusion, gt: ArrayLike<number>, pred: ArrayLike<number>): void {
  if (gt.length !== pred.length) throw new Error(`confusion: ${gt.length} labels vs ${pred.length} predictions`);
  const k = conf.numClasses;
  for (let i = 0; i < gt.length; i++) {
    const g = gt[i];
    const p = pred[i];
    if (!(g >= 0 && g < k && p >= 0 && p < k)) throw new Error(`confusion: class out of range at ${i} (gt ${g}, pred ${p})`);
    conf.counts[g * k + p]++;
  }
}

/** Per-class IoU = TP / (TP + FP + FN); NaN for a class absent from both GT and prediction. */
export function classIoU(conf: Confusion): number[] {
  const k = conf.numClasses;
  const c = conf.counts;
  return Array.from({ length: k }, (_, cls) => {
    let row = 0;
    let col = 0;
    for (let j = 0; j < k; j++) {
      row += c[cls * k + j];
      col += c[j * k + cls];
    }
    const tp = c[cls * k + cls];
    const union = row + col - tp;
    return union > 0 ? tp / union : NaN;
  });
}

/**
 * Mean IoU over the classes present in GT or prediction (background included, so 11 classes for
 * the digit scenes), from the confusion summed over the whole set. NaN when there are no pixels.
 */
export function meanIoU(conf: Confusion): number {
  const present = classIoU(conf).filter((v) => !Number.isNaN(v));
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : NaN;
}

/** Fraction of pixels classified correctly; NaN when there are no pixels. */
export function pixelAccuracy(conf: Confusion): number {
  const k = conf.numClasses;
  let total = 0;
  let correct = 0;
  for (let i = 0; i < k * k; i++) total += conf.counts[i];
  for (let i = 0; i < k; i++) correct += conf.counts[i * k + i];
  return total > 0 ? correct / total : NaN;
}

/** Per-pixel argmax of channels-last logits [..., K] → class indices. */
export function argmaxLabels(logits: ArrayLike<number>, numClasses: number): Int32Array {
  const n = logits.length / numClasses;
  if (!Number.isInteger(n)) throw new Error(`argmax: ${logits.length} values is not a multiple of ${numClasses}`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestV = logits[i * numClasses];
    for (let c = 1; c < numClasses; c++) {
      const v = logits[i * numClasses + c];
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

export interface APResult {
  /** Mean over classes that have at least one GT box; NaN if none has. */
  readonly mAP: number;
  /** AP per class; null for a class without GT boxes (excluded from the mean). */
  readonly perClass: (number | null)[];
}

/**
 * VOC-style AP at an IoU threshold with all-point interpolation (VOC 2010+): per class, detections
 * over all images sorted by descending score (stable); a detection is a true positive when the GT
 * box of its image with the highest IoU has IoU ≥ threshold and is not matched yet; AP = Σ (r_i − r_{i−1}) · max_{j≥i} p_j.
 * `detections[i]` and `groundTruth[i]` belong to image i. Box edges are continuous (no "+1").
 */
export function averagePrecision(
  detections: readonly (readonly ScoredBox[])[],
  groundTruth: readonly (readonly Box[])[],
  numClasses = 10,
  iouThreshold = 0.5,
): APResult {
  if (detections.length !== groundTruth.length) {
    throw new Error(`AP: ${detections.length} detection lists for ${groundTruth.length} images`);
  }
  const perClass: (number | null)[] = [];
  for (let cls = 0; cls < numClasses; cls++) {
    const gts = groundTruth.map((boxes) => boxes.filter((b) => b.cls === cls));
    const nGt = gts.reduce((a, g) => a + g.length, 0);
    if (nGt === 0) {
      perClass.push(null);
      continue;
    }
    const dets = detections
      .flatMap((boxes, img) => boxes.filter((b) => b.cls === cls).map((b) => ({ b, img })))
      .map((d, order) => ({ ...d, order }))
      .sort((a, b) => b.b.score - a.b.score || a.order - b.order);
    const used = gts.map((g) => new Array<boolean>(g.length).fill(false));
    const tp: number[] = [];
    for (const { b, img } of dets) {
      // VOC rule: take the GT of highest IoU; a TP only if that one is unmatched and IoU ≥ threshold.
      let best = -1;
      let bestIoU = -1;
      gts[img].forEach((g, j) => {
        const v = iou(b, g);
        if (v > bestIoU) {
          bestIoU = v;
          best = j;
        }
      });
      const hit = best >= 0 && bestIoU >= iouThreshold && !used[img][best];
      if (hit) used[img][best] = true;
      tp.push(hit ? 1 : 0);
    }
    perClass.push(apFromMatches(tp, nGt));
  }
  const valid = perClass.filter((v): v is number => v !== null);
  return { mAP: valid.length ? valid.reduce((a, b) => a + b, 0) / valid.length : NaN, perClass };
}

/** All-point interpolated AP from the TP flags of score-sorted detections. */
export function apFromMatches(tp: readonly number[], nGt: number): number {
  const recall: number[] = [0];
  const precision: number[] = [0];
  let cumTp = 0;
  tp.forEach((t, i) => {
    cumTp += t;
    recall.push(cumTp / nGt);
    precision.push(cumTp / (i + 1));
  });
  recall.push(1);
  precision.push(0);
  for (let i = precision.length - 2; i >= 0; i--) precision[i] = Math.max(precision[i], precision[i + 1]);
  let ap = 0;
  for (let i = 1; i < recall.length; i++) ap += (recall[i] - recall[i - 1]) * precision[i];
  return ap;
}
