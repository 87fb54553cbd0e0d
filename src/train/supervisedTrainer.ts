// Plain task training of one LayersModel on a data source (seeded digit scenes or a user's
// dataset): teachers, and the "student alone" baseline. Batch k is always the same samples, so a
// run resumes exactly.
import * as tf from '@tensorflow/tfjs';
import type { DataSource } from './dataSource';
import { cosineLr, setLearningRate } from './schedule';
import type { TaskAdapter, TaskMetrics } from './tasks';

export interface SupervisedConfig {
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
}

export class NonFiniteLossError extends Error {
  constructor(readonly step: number, readonly value: number) {
    super(`the task loss became ${value} at step ${step}; the step was not applied`);
  }
}

export class SupervisedTrainer {
  readonly optimizer: tf.AdamOptimizer;
  private readonly variables: tf.Variable[];
  step = 0;

  constructor(
    readonly model: tf.LayersModel,
    readonly adapter: TaskAdapter,
    readonly source: DataSource,
    readonly config: SupervisedConfig,
  ) {
    this.optimizer = tf.train.adam(config.lr);
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  get done(): boolean {
    return this.step >= this.config.steps;
  }

  /** One optimiser step; returns the loss before the update. */
  async trainStep(): Promise<number> {
    const { seed, batchSize, steps, lr } = this.config;
    setLearningRate(this.optimizer, cosineLr(lr, this.step, steps));
    const batch = this.adapter.makeBatch(this.source.trainBatch(seed, this.step, batchSize));
    try {
      const { value, grads } = tf.variableGrads(
        () => batch.loss(this.model.apply(batch.images, { training: true }) as tf.Tensor4D),
        this.variables,
      );
      const loss = (await value.data())[0];
      if (!Number.isFinite(loss)) {
        tf.dispose([value, ...Object.values(grads)]);
        throw new NonFiniteLossError(this.step, loss);
      }
      this.optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      tf.dispose([value, ...Object.values(grads)]);
      this.step++;
      return loss;
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
