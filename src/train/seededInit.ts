// tfjs layers draw their initial kernels from unseeded randomness; compare mode needs the same
// student init for every method, and a seed should reproduce a run. This redraws every kernel
// (glorot-uniform, the layers' default) from `seed`; biases, BN parameters and BN statistics
// keep their fresh-build values, which are deterministic.
import * as tf from '@tensorflow/tfjs';

const KERNEL = /(^|\/)(kernel|depthwise_kernel)(_\d+)?$/;

export function reseedKernels(model: tf.LayersModel, seed: number): void {
  model.weights.forEach((w, i) => {
    if (!KERNEL.test(w.originalName) && !KERNEL.test(w.name)) return;
    const init = tf.initializers.glorotUniform({ seed: seed * 1009 + i });
    const value = init.apply(w.shape);
    w.write(value);
    value.dispose();
  });
}
