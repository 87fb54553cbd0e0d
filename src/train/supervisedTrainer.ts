// Plain task training of one LayersModel on a data source (seeded digit scenes or a user's
// dataset): teachers, and the "student alone" baseline. Batch k is always the same samples, so a
// run resumes exactly.
import * as tf from '@tensorflow/tfjs';
import type { DataSource } from './dataSource';
import { NonFiniteStepError } from './stageCommon';
import { setLearningRate, warmupCosineLr } from './schedule';
import type { TaskAdapter, TaskMetrics } from './tasks';

export interface SupervisedConfig {
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
  /** Share of `steps` spent in linear warm-up before the cosine decay (default SUPERVISED_WARMUP). */
  readonly warmup?: number;
  /** Decoupled weight decay (AdamW) on conv kernels, per step lr·wd (default SUPERVISED_WEIGHT_DECAY). */
  readonly weightDecay?: number;
}

/** Default warm-up share: 5% of the run (100 steps of a 2000-step teacher run). */
export const SUPERVISED_WARMUP = 0.05;
/** Default decoupled weight decay. */
export const SUPERVISED_WEIGHT_DECAY = 0;

/** One step's report, numbered as the stages' are: the k-th step says k. */
export interface SupervisedStepReport {
  readonly step: number;
  readonly losses: { readonly task: number; readonly total: number };
}

const KERNEL = /(^|\/)(kernel|depthwise_kernel)(_\d+)?$/;

export class SupervisedTrainer {
  readonly optimizer: tf.AdamOptimizer;
  private readonly variables: tf.Variable[];
  /** Conv kernels: the weights decoupled weight decay shrinks (not biases, not BatchNorm). */
  private readonly decayed: tf.Variable[];
  step = 0;

  constructor(
    readonly model: tf.LayersModel,
    readonly adapter: TaskAdapter,
    readonly source: DataSource,
    readonly config: SupervisedConfig,
  ) {
    this.optimizer = tf.train.adam(config.lr);
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.decayed = model.trainableWeights.filter((w) => KERNEL.test(w.originalName) || KERNEL.test(w.name)).map((w) => w.read() as tf.Variable);
  }

  /** Learning rate of step `step`: warm-up, then cosine to 0 at `steps`. */
  lrAt(step: number): number {
    const { lr, steps, warmup = SUPERVISED_WARMUP } = this.config;
    return warmupCosineLr(lr, step, steps, warmup * steps);
  }

  get done(): boolean {
    return this.step >= this.config.steps;
  }

  /** One optimiser step, with the loss before the update. Throws NonFiniteStepError (nothing applied) on NaN/∞. */
  async trainStep(): Promise<SupervisedStepReport> {
    const { seed, batchSize, weightDecay = SUPERVISED_WEIGHT_DECAY } = this.config;
    const lr = this.lrAt(this.step);
    setLearningRate(this.optimizer, lr);
    const batch = this.adapter.makeBatch(this.source.trainBatch(seed, this.step, batchSize));
    try {
      const { value, grads } = tf.variableGrads(
        () => batch.loss(this.model.apply(batch.images, { training: true }) as tf.Tensor4D),
        this.variables,
      );
      const loss = (await value.data())[0];
      if (!Number.isFinite(loss)) {
        tf.dispose([value, ...Object.values(grads)]);
        throw new NonFiniteStepError('task loss', this.step + 1, loss);
      }
      this.optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      tf.dispose([value, ...Object.values(grads)]);
      if (weightDecay > 0) tf.tidy(() => this.decayed.forEach((v) => v.assign(tf.mul(v, 1 - lr * weightDecay))));
      this.step++;
      return { step: this.step, losses: { task: loss, total: loss } };
    } finally {
      batch.dispose();
    }
  }

  evaluate(valSeed: number, count: number, batchSize = 16): Promise<TaskMetrics> {
    const scenes = this.source.valSet(count, valSeed);
    return this.adapter.evaluate((x) => this.model.predict(x) as tf.Tensor4D, scenes, batchSize);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
