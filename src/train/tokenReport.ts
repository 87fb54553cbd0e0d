// What each receptive token attends to, measured over many scenes rather than the four previews:
// its mean mask on the pixels of each class (background and each digit), its mean area, whether
// it is live (neither off nor everywhere), how much the tokens overlap (pairwise Dice, the
// same coefficient stage 1's diversity loss pushes down) and, with the token-weight branch, each
// token's mean weight and the effective number of tokens the weights leave. The engine measures
// it on validation scenes (the report chooses recipes and tokens; test scenes only report).
import * as tf from '@tensorflow/tfjs';
import { imagesTensor } from '../data/batches';
import type { Scene } from '../data/scenes';
import { receptiveMasks } from '../maskd/index';
import { DICE_EPS } from '../maskd/ops';
import type { ReceptiveTokens } from '../maskd/tokens';
import type { TokenWeightBranch } from '../maskd/tokenWeights';
import { effectiveTokens, type TokenReport } from '../engine/tokens';

/** A token is live when its mean area lies strictly between these (issue 13's bar for informative masks). */
export const LIVE_AREA = { min: 0.02, max: 0.95 } as const;
/** Scenes a report measures at the demos' 64×64 unless asked otherwise. */
export const TOKEN_REPORT_SCENES = 256;

/**
 * Scenes and batch for an input of `side` pixels: the same pixel budget as 256 scenes at 64×64,
 * at least 16 scenes (a 512×512 teacher measures 16, one at a time).
 */
export function reportBudget(side: number): { scenes: number; batch: number } {
  const share = (64 / Math.max(side, 1)) ** 2;
  return { scenes: Math.max(16, Math.min(TOKEN_REPORT_SCENES, Math.round(TOKEN_REPORT_SCENES * share))), batch: Math.max(1, Math.min(16, Math.round(16 * share))) };
}

/** Label names of the digit scenes: label 0 is background, label k is digit k − 1. */
export const DIGIT_LABELS: readonly string[] = ['background', ...Array.from({ length: 10 }, (_, d) => String(d))];

/** Running sums over batches; `summarise` turns them into the report. */
export class TokenStats {
  private readonly classSum: Float64Array;
  private readonly classCount: Float64Array;
  private readonly areaSum: Float64Array;
  private readonly diceSum: Float64Array;
  private readonly weightSum: Float64Array;
  private images = 0;
  /** Images whose token weights were added: all of them or none. */
  private weighted = 0;

  constructor(
    readonly numTokens: number,
    readonly labelNames: readonly string[],
  ) {
    this.classSum = new Float64Array(numTokens * labelNames.length);
    this.classCount = new Float64Array(labelNames.length);
    this.areaSum = new Float64Array(numTokens);
    this.diceSum = new Float64Array(numTokens * numTokens);
    this.weightSum = new Float64Array(numTokens);
  }

  /**
   * Adds one batch: `masks` [N,h,w,T] row-major, `labels` the N scenes' [H,W] label maps; a mask
   * cell covers an (H/h)×(W/w) block of label pixels (nearest, as the gallery draws it).
   * `weights` [N,T]: the token-weight branch's w[n,t] for these images (every batch or none).
   */
  add(
    masks: Float32Array,
    shape: readonly [number, number, number, number],
    labels: readonly Uint8Array[],
    labelSize: readonly [number, number],
    weights?: Float32Array,
  ): void {
    const [n, h, w, t] = shape;
    const [H, W] = labelSize;
    const k = this.labelNames.length;
    if (t !== this.numTokens) throw new Error(`token report: masks have ${t} tokens, expected ${this.numTokens}`);
    if (masks.length !== n * h * w * t || labels.length !== n) throw new Error('token report: masks and labels do not match');
    if (weights && weights.length !== n * t) throw new Error(`token report: ${weights.length} token weights, expected ${n}×${t}`);
    if (this.images > 0 && (weights !== undefined) !== (this.weighted === this.images)) {
      throw new Error('token report: token weights for some batches and not for others');
    }
    if (weights) {
      for (let i = 0; i < n * t; i++) this.weightSum[i % t] += weights[i];
      this.weighted += n;
    }
    const p = h * w;
    for (let i = 0; i < n; i++) {
      const m = masks.subarray(i * p * t, (i + 1) * p * t);
      const lab = labels[i];
      if (lab.length !== H * W) throw new Error(`token report: a label map of ${lab.length} pixels, expected ${H}×${W}`);
      for (let y = 0; y < H; y++) {
        const my = Math.min(h - 1, Math.floor((y * h) / H));
        for (let x = 0; x < W; x++) {
          const c = lab[y * W + x];
          if (c >= k) continue;
          this.classCount[c]++;
          const cell = (my * w + Math.min(w - 1, Math.floor((x * w) / W))) * t;
          for (let j = 0; j < t; j++) this.classSum[j * k + c] += m[cell + j];
        }
      }
      const sq = new Float64Array(t);
      const gram = new Float64Array(t * t);
      for (let q = 0; q < p; q++) {
        const row = q * t;
        for (let a = 0; a < t; a++) {
          const va = m[row + a];
          this.areaSum[a] += va / p;
          sq[a] += va * va;
          for (let b = a + 1; b < t; b++) gram[a * t + b] += va * m[row + b];
        }
      }
      for (let a = 0; a < t; a++) {
        for (let b = a + 1; b < t; b++) {
          const d = (2 * gram[a * t + b]) / (sq[a] + DICE_EPS + sq[b] + DICE_EPS);
          this.diceSum[a * t + b] += d;
          this.diceSum[b * t + a] += d;
        }
      }
      this.images++;
    }
  }

  summarise(split: TokenReport['split']): TokenReport {
    const t = this.numTokens;
    const k = this.labelNames.length;
    const n = Math.max(this.images, 1);
    const perClass = Array.from({ length: t }, (_, j) =>
      Array.from({ length: k }, (_, c) => (this.classCount[c] ? this.classSum[j * k + c] / this.classCount[c] : NaN)),
    );
    const area = Array.from(this.areaSum, (s) => s / n);
    const live = area.map((a) => a > LIVE_AREA.min && a < LIVE_AREA.max);
    const dice = Array.from({ length: t }, (_, a) => Array.from({ length: t }, (_, b) => (a === b ? 1 : this.diceSum[a * t + b] / n)));
    let pairSum = 0;
    for (let a = 0; a < t; a++) for (let b = 0; b < t; b++) if (a !== b) pairSum += dice[a][b];
    const weights = this.weighted > 0 ? Array.from(this.weightSum, (s) => s / this.weighted) : null;
    return {
      numTokens: t,
      scenes: this.images,
      split,
      labels: this.labelNames,
      perClass,
      area,
      live,
      liveArea: LIVE_AREA,
      liveCount: live.filter(Boolean).length,
      dice,
      meanDice: t > 1 ? pairSum / (t * (t - 1)) : 0,
      weights,
      effectiveTokens: weights ? effectiveTokens(weights) : null,
    };
  }
}

/**
 * The report of `tokens` (with `branch`, their weights too) on the teacher's feature over `scenes`,
 * in batches; leaves no tensor behind.
 */
export async function tokenReport(
  backbone: tf.LayersModel,
  tokens: ReceptiveTokens,
  scenes: readonly Scene[],
  split: TokenReport['split'],
  labelNames: readonly string[] = DIGIT_LABELS,
  batchSize = 16,
  branch: TokenWeightBranch | null = null,
): Promise<TokenReport> {
  const stats = new TokenStats(tokens.numTokens, labelNames);
  for (let i = 0; i < scenes.length; i += batchSize) {
    const batch = scenes.slice(i, i + batchSize);
    const { masks, weights } = tf.tidy(() => {
      const feature = backbone.apply(imagesTensor(batch), { training: false }) as tf.Tensor4D;
      return { masks: receptiveMasks(feature, tokens.tensor), weights: branch ? branch.apply(feature) : undefined };
    });
    try {
      const [n, h, w, t] = masks.shape;
      const [m, wt] = await Promise.all([masks.data<'float32'>(), weights ? weights.data<'float32'>() : Promise.resolve(undefined)]);
      stats.add(m, [n, h, w, t], batch.map((s) => s.labels), [batch[0].height, batch[0].width], wt);
    } finally {
      masks.dispose();
      weights?.dispose();
    }
  }
  return stats.summarise(split);
}
