// Stage 2, distillation: the student (and the align module) learn from task loss + the method's
// λ-weighted distillation term. The teacher only runs forward in inference mode; the receptive
// tokens and the token-weight branch are frozen and give the masks from the teacher feature.
import * as tf from '@tensorflow/tfjs';
import { receptiveMasks } from '../maskd/index';
import type { DistillMethod } from '../maskd/methods';
import type { ReceptiveTokens } from '../maskd/tokens';
import type { TokenWeightBranch } from '../maskd/tokenWeights';
import { buildAlign, type FeatureShape } from '../models/align';
import { TAP_LAYER } from '../models/nets';
import { splitAtLayer, type SplitModel } from '../models/split';
import type { Scene } from '../data/scenes';
import { cosineLr, setLearningRate } from './schedule';
import { firstNonFinite, NonFiniteStepError, type SceneSource } from './stageCommon';
import type { TaskAdapter, TaskMetrics } from './tasks';
import { batchGradients } from './microBatches';

export interface DistillStepReport {
  readonly step: number;
  readonly losses: { readonly task: number; readonly distill: number; readonly total: number };
}

export interface DistillerOptions {
  readonly teacher: SplitModel;
  /** The full student model; it is split at the tap internally (weights shared). */
  readonly student: tf.LayersModel;
  readonly adapter: TaskAdapter;
  readonly method: DistillMethod;
  readonly scenes: SceneSource;
  readonly steps: number;
  readonly lr: number;
  /** Frozen tokens (+ branch) for maskd; the other methods ignore them. */
  readonly tokens?: ReceptiveTokens | null;
  readonly branch?: TokenWeightBranch | null;
  /** The align module; built fresh (1×1 conv + resize) when absent. Owned by the Distiller. */
  readonly align?: tf.LayersModel;
  /** The student's tap layer (default TAP_LAYER, the built-in nets' `neck`). */
  readonly studentTap?: string;
  /**
   * Images per micro-batch (default: the whole batch), for batches whose loss splits exactly (the
   * label-free objective's): the gradients of the micro-batches add up to the batch's, so a large
   * teacher's step keeps the activations of a few images at a time. BatchNorm then normalises
   * each micro-batch on its own statistics.
   */
  readonly microBatch?: number;
  /** Told after each micro-batch of a split step: `done` of `total` images. */
  readonly onWork?: (done: number, total: number) => void;
}

function hwc(shape: readonly number[]): FeatureShape {
  return [shape[0], shape[1], shape[2]];
}

export class Distiller {
  readonly optimizer: tf.AdamOptimizer;
  readonly align: tf.LayersModel;
  step = 0;
  bestMetric = -Infinity;
  bestStep = -1;
  /** Base learning rate of the cosine schedule; the user may lower it after a non-finite pause. */
  baseLr: number;
  /** Test hook: the next step's task loss is multiplied by NaN inside the graph (so are its gradients). */
  poisonNext = false;
  private bestWeights: tf.Tensor[] | null = null;
  private readonly studentSplit: SplitModel;
  private readonly variables: tf.Variable[];

  constructor(private readonly o: DistillerOptions) {
    if (o.method.name === 'maskd' && !o.tokens) {
      throw new Error('maskd needs receptive tokens: run mask learning (stage 1) or load the shipped tokens first');
    }
    this.studentSplit = splitAtLayer(o.student, o.studentTap ?? TAP_LAYER);
    this.align = o.align ?? buildAlign(hwc(this.studentSplit.tapShape), hwc(o.teacher.tapShape));
    o.tokens?.setTrainable(false);
    o.branch?.setTrainable(false);
    this.optimizer = tf.train.adam(o.lr);
    this.baseLr = o.lr;
    this.variables = [...o.student.trainableWeights, ...this.align.trainableWeights].map((w) => w.read() as tf.Variable);
  }

  get student(): tf.LayersModel {
    return this.o.student;
  }

  /** The student up to the tap layer (weights shared with `student`), for mask snapshots. */
  get studentBackbone(): tf.LayersModel {
    return this.studentSplit.backbone;
  }

  /** One optimiser step of student + align. Throws NonFiniteStepError (nothing applied) on NaN/∞. */
  async trainStep(): Promise<DistillStepReport> {
    const { teacher, method, adapter, tokens, branch } = this.o;
    setLearningRate(this.optimizer, cosineLr(this.baseLr, this.step, this.o.steps));
    const poison = this.poisonNext;
    this.poisonNext = false;
    const batch = adapter.makeBatch(this.o.scenes(this.step));
    let stats: tf.Tensor | null = null;
    let grads: tf.NamedTensorMap = {};
    // A label-free batch brings the teacher's feature (computed with its outputs); else it is computed here.
    const given = batch.teacherFeature;
    // The student alone ('none'): its distillation term is 0 and reads no feature, so neither the
    // teacher's forward pass nor the align module runs (their outputs had no gradient and no
    // effect on the step; the teacher in inference mode and the align module have no state to update).
    const featureFree = method.name === 'none';
    const frozen = tf.tidy(() => {
      if (featureFree) return { feature: given, masks: undefined, weights: undefined };
      const feature = given ?? (teacher.backbone.apply(batch.images, { training: false }) as tf.Tensor4D);
      const needMasks = method.name === 'maskd' && tokens;
      return {
        feature,
        masks: needMasks ? receptiveMasks(feature, tokens.tensor) : undefined,
        weights: needMasks && branch ? branch.apply(feature) : undefined,
      };
    });
    try {
      const step = this.step;
      const n = batch.images.shape[0];
      const m = batch.sliceLoss && (this.o.microBatch ?? Infinity) < n ? Math.max(1, Math.floor(this.o.microBatch as number)) : n;
      ({ grads, stats } = batchGradients(
        n,
        m,
        this.variables,
        (from, count) => {
          const cut = <T extends tf.Tensor>(x: T): T => (count === n ? x : (tf.slice(x, [from], [count]) as T));
          const feature = this.studentSplit.backbone.apply(cut(batch.images), { training: true }) as tf.Tensor4D;
          const out = this.studentSplit.head.apply(feature, { training: true }) as tf.Tensor | tf.Tensor[];
          const taskLoss = count === n ? batch.loss(out) : (batch.sliceLoss as NonNullable<typeof batch.sliceLoss>)(from, count, out);
          const task = poison && from === 0 ? tf.mul(taskLoss, NaN) : taskLoss;
          const distill = featureFree
            ? tf.scalar(0)
            : method.loss({
                student: this.align.apply(feature, { training: true }) as tf.Tensor4D,
                teacher: cut(frozen.feature as tf.Tensor4D),
                masks: frozen.masks && cut(frozen.masks),
                weights: frozen.weights && cut(frozen.weights),
                tokens: tokens?.tensor,
                step,
                totalSteps: this.o.steps,
              });
          const total = tf.add(task, distill) as tf.Scalar;
          return { total, row: tf.stack([task, distill, total]) };
        },
        (done, total) => this.o.onWork?.(done, total),
      ));
      const [task, distill, total, gradNorm] = await stats.data();
      const bad = firstNonFinite([
        ['task loss', task],
        [`${method.name} distillation loss`, distill],
        ['total loss', total],
        ['gradient', gradNorm],
      ]);
      // Numbered like the progress: the step that failed is the (step + 1)-th.
      if (bad) throw new NonFiniteStepError(bad[0], this.step + 1, bad[1]);
      this.optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      this.step++;
      return { step: this.step, losses: { task, distill, total } };
    } finally {
      tf.dispose([...(given || !frozen.feature ? [] : [frozen.feature]), ...(frozen.masks ? [frozen.masks] : []), ...(frozen.weights ? [frozen.weights] : [])]);
      tf.dispose([...(stats ? [stats] : []), ...Object.values(grads)]);
      batch.dispose();
    }
  }

  /** The current student's metrics on `scenes`, nothing recorded (test scenes). */
  score(scenes: readonly Scene[], batchSize = 8): Promise<TaskMetrics> {
    return this.o.adapter.evaluate((x) => this.o.student.predict(x) as tf.Tensor4D, scenes, batchSize);
  }

  /** Validation metric of the current student; keeps a copy of its weights when it is the best. */
  async evaluate(scenes: readonly Scene[], batchSize = 8): Promise<TaskMetrics> {
    const m = await this.score(scenes, batchSize);
    if (m.primary > this.bestMetric) {
      this.bestMetric = m.primary;
      this.bestStep = this.step;
      if (this.bestWeights) tf.dispose(this.bestWeights);
      this.bestWeights = this.o.student.getWeights().map((w) => w.clone());
    }
    return m;
  }

  /** Copies of the best student's weights (null before the first evaluation); the caller owns them. */
  bestStudentWeights(): tf.Tensor[] | null {
    return this.bestWeights ? this.bestWeights.map((w) => w.clone()) : null;
  }

  /** Restores the best-so-far record from a checkpoint (takes ownership of `weights`). */
  restoreBest(metric: number, step: number, weights: tf.Tensor[]): void {
    if (this.bestWeights) tf.dispose(this.bestWeights);
    this.bestMetric = metric;
    this.bestStep = step;
    this.bestWeights = weights;
  }

  /** Frees the optimiser, the align module and the best copy; the student belongs to the caller. */
  dispose(): void {
    this.optimizer.dispose();
    this.align.dispose();
    if (this.bestWeights) tf.dispose(this.bestWeights);
    this.bestWeights = null;
  }
}
