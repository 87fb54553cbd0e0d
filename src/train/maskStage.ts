// Stage 1, mask learning: the teacher is frozen (backbone and head in inference mode); its tap
// feature F is replaced by the masked aggregate Σ_t w_t·m_t·F and run through the head. Loss =
// task loss + diceWeight·Dice diversity; only the tokens (and the token-weight branch) learn.
// With the token-weight branch the aggregate is Σ_t T·w_t·m_t·F (the reference's Σ_t w_t·m_t·F
// times T) and the loss adds weightEntropy·(log T − H(w)) per image: with softmax weights that sum
// to 1, Σ_t w_t·m_t reaches 1 only where every weighted mask is 1, so reproducing F needs one
// all-ones mask and one-hot weights (the collapse the reference's form learnt here in a few steps);
// scaled by T, equal weights over a partition of the scene reproduce F as masks without the branch
// do. Stage 2 reads the weights as the reference does (Σ_t w_t·L_t). Label-free, the loss also adds
// the area bounds (src/maskd/consistency.ts): a term the collapse fails and a partition meets
// (src/maskd/stage1Loss.ts puts the terms together).
// The "task loss" is the adapter's: the labels' loss, or (label-free, src/train/objective.ts) the
// head's output on the aggregate against the teacher's own output on F. A large teacher's step
// runs in micro-batches whose gradients add up to the batch's exactly (every term is a mean over
// images), so its head keeps the activations of a few images at a time.
// The optimiser, schedule and weight decay are the config's recipe (src/train/lrSchedules.ts):
// Adam or SGD with momentum, cosine or poly, PyTorch's coupled L2 weight decay.
import * as tf from '@tensorflow/tfjs';
import { diceDiversity, maskedAggregate, receptiveMasks } from '../maskd/index';
import { ReceptiveTokens } from '../maskd/tokens';
import { AREA_BOUNDS_WEIGHT, stage1Loss, WEIGHT_ENTROPY } from '../maskd/stage1Loss';
import { TokenWeightBranch } from '../maskd/tokenWeights';
import { isConsistency } from './objective';
import type { SplitModel } from '../models/split';
import type { MaskStageConfig } from '../engine/runConfigs';
import { addWeightDecay, makeOptimizer, scheduledLr, setOptimizerLr } from './lrSchedules';
import { firstNonFinite, NonFiniteStepError, type SceneSource } from './stageCommon';
import type { TaskAdapter } from './tasks';
import { batchGradients } from './microBatches';

export interface MaskStepReport {
  /** The step just taken (1-based count of applied steps). */
  readonly step: number;
  readonly losses: { readonly task: number; readonly dice: number; readonly total: number };
  /** Mean mask value per token over the batch. */
  readonly tokenAreas: readonly number[];
  /** Mean token weight per token over the batch (with the branch). */
  readonly tokenWeights?: readonly number[];
  /** Set when the masks look collapsed (all alike, or a token saturating/vanishing). */
  readonly collapse: string | null;
}

/** Thresholds of the collapse warning. */
export const COLLAPSE = { dice: 0.95, areaHigh: 0.95, areaLow: 0.01 } as const;

export function collapseReason(dice: number, areas: readonly number[]): string | null {
  if (dice > COLLAPSE.dice) return `the masks are nearly identical (Dice overlap ${dice.toFixed(3)} > ${COLLAPSE.dice})`;
  const high = areas.findIndex((a) => a > COLLAPSE.areaHigh);
  if (high >= 0) return `token ${high} covers almost everything (mean mask ${areas[high].toFixed(3)} > ${COLLAPSE.areaHigh})`;
  const low = areas.findIndex((a) => a < COLLAPSE.areaLow);
  if (low >= 0) return `token ${low} went dark (mean mask ${areas[low].toFixed(4)} < ${COLLAPSE.areaLow})`;
  return null;
}

export interface MaskLearnerOptions {
  readonly teacher: SplitModel;
  readonly adapter: TaskAdapter;
  readonly scenes: SceneSource;
  readonly config: MaskStageConfig;
  /** Continue from these (e.g. after a pause or from shipped tokens); else fresh seeded ones. */
  readonly tokens?: ReceptiveTokens;
  readonly branch?: TokenWeightBranch | null;
  /** Images per micro-batch (default: the whole batch); used when the adapter's batches split exactly. */
  readonly microBatch?: number;
  /** Told after each micro-batch of a split step: `done` of `total` images. */
  readonly onWork?: (done: number, total: number) => void;
}

export class MaskLearner {
  readonly tokens: ReceptiveTokens;
  readonly branch: TokenWeightBranch | null;
  /** Adam, or SGD with momentum (config.optimizer). */
  readonly optimizer: tf.Optimizer;
  step = 0;
  /** Base learning rate of the schedule; the user may lower it after a non-finite pause. */
  baseLr: number;
  /** Test hook: the next step's task loss is multiplied by NaN inside the graph (so are its gradients). */
  poisonNext = false;
  private readonly teacher: SplitModel;
  private readonly adapter: TaskAdapter;
  private readonly scenes: SceneSource;
  private readonly config: MaskStageConfig;
  private readonly microBatch: number;
  private readonly onWork?: (done: number, total: number) => void;

  constructor(options: MaskLearnerOptions) {
    const { teacher, config } = options;
    this.teacher = teacher;
    this.adapter = options.adapter;
    this.scenes = options.scenes;
    this.config = config;
    this.microBatch = Math.max(1, Math.floor(options.microBatch ?? Infinity));
    this.onWork = options.onWork;
    this.baseLr = config.lr;
    const channels = teacher.tapShape[2];
    this.tokens = options.tokens ?? ReceptiveTokens.create({ numTokens: config.numTokens, channels, seed: config.seed });
    this.branch =
      options.branch !== undefined
        ? options.branch
        : config.tokenWeights
          ? TokenWeightBranch.create({ channels, numTokens: config.numTokens, seed: config.seed + 7 })
          : null;
    this.tokens.setTrainable(true);
    this.branch?.setTrainable(true);
    this.optimizer = makeOptimizer({ optimizer: config.optimizer ?? 'adam', lr: config.lr, momentum: config.momentum ?? 0.9 });
  }

  get variables(): tf.Variable[] {
    return [this.tokens.variable, ...(this.branch?.variables ?? [])];
  }

  /** One optimiser step on the tokens (and branch). Throws NonFiniteStepError (nothing applied) on NaN/∞. */
  async trainStep(): Promise<MaskStepReport> {
    const { steps, diceWeight } = this.config;
    const weightEntropy = this.config.weightEntropy ?? WEIGHT_ENTROPY;
    const areaWeight = isConsistency(this.adapter) ? (this.config.areaBounds ?? AREA_BOUNDS_WEIGHT) : 0;
    setOptimizerLr(this.optimizer, scheduledLr(this.config.schedule ?? 'cosine', this.baseLr, this.step, steps, this.config.minLr ?? 0));
    const poison = this.poisonNext;
    this.poisonNext = false;
    const batch = this.adapter.makeBatch(this.scenes(this.step));
    const T = this.tokens.numTokens;
    const n = batch.images.shape[0];
    // Micro-batches only where the loss splits exactly (the label-free objective's batches).
    const m = batch.sliceLoss && this.microBatch < n ? this.microBatch : n;
    let stats: tf.Tensor | null = null;
    let grads: tf.NamedTensorMap = {};
    try {
      // The teacher is a constant here: its feature is computed outside the gradient tape.
      const ownFeature = !batch.teacherFeature;
      const feature = batch.teacherFeature ?? tf.tidy(() => this.teacher.backbone.apply(batch.images, { training: false }) as tf.Tensor4D);
      try {
        // One read per step: the losses, areas, weights and the squared gradient norm together.
        ({ grads, stats } = batchGradients(
          n,
          m,
          this.variables,
          (from, count) => {
            const f = count === n ? feature : (tf.slice(feature, [from, 0, 0, 0], [count, -1, -1, -1]) as tf.Tensor4D);
            const masks = receptiveMasks(f, this.tokens.tensor);
            const weights = this.branch?.apply(f);
            // T·w: weights of mean 1, so equal weights over a partition of the scene give back F (see the file's comment).
            const aggregate = maskedAggregate(f, masks, weights ? (tf.mul(weights, T) as tf.Tensor2D) : undefined);
            const out = this.teacher.head.apply(aggregate, { training: false }) as tf.Tensor | tf.Tensor[];
            const taskLoss = count === n ? batch.loss(out) : (batch.sliceLoss as NonNullable<typeof batch.sliceLoss>)(from, count, out);
            const task = poison && from === 0 ? tf.mul(taskLoss, NaN) : taskLoss;
            const dice = diceDiversity(masks);
            const total = stage1Loss(task as tf.Scalar, dice, masks, weights, { dice: diceWeight, weightEntropy, areaBounds: areaWeight });
            const areas = tf.mean(masks, [0, 1, 2]);
            const w = weights ? tf.mean(weights, 0) : tf.zeros([0]);
            return { total, row: tf.concat([tf.stack([task, dice, total]), areas, w]) };
          },
          (done, all) => this.onWork?.(done, all),
        ));
      } finally {
        if (ownFeature) feature.dispose();
      }
      const data = await stats.data();
      const [task, dice, total] = [data[0], data[1], data[2]];
      const gradNorm = data[data.length - 1];
      const bad = firstNonFinite([
        ['task loss', task],
        ['Dice loss', dice],
        ['total loss', total],
        ['gradient', gradNorm],
      ]);
      // Numbered like the progress: the step that failed is the (step + 1)-th.
      if (bad) throw new NonFiniteStepError(bad[0], this.step + 1, bad[1]);
      addWeightDecay(grads, this.variables, this.config.weightDecay ?? 0);
      this.optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      this.step++;
      const tokenAreas = Array.from(data.subarray(3, 3 + T));
      const tokenWeights = this.branch ? Array.from(data.subarray(3 + T, 3 + 2 * T)) : undefined;
      return {
        step: this.step,
        losses: { task, dice, total },
        tokenAreas,
        tokenWeights,
        collapse: collapseReason(dice, tokenAreas),
      };
    } finally {
      tf.dispose([...(stats ? [stats] : []), ...Object.values(grads)]);
      batch.dispose();
    }
  }

  /** Frees the optimiser; the tokens and branch belong to the caller (they outlive the stage). */
  dispose(): void {
    this.optimizer.dispose();
  }
}
