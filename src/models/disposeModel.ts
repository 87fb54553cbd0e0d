// Disposes every weight of a model the caller owns. `LayersModel.dispose()` only decrements each
// layer's reference count, and every symbolic `apply` adds one, so the layers splitAtLayer
// re-applies to build a head keep their weights alive after `model.dispose()` (2 tensors per
// conv layer after the tap, measured). This drops all references.
import type * as tf from '@tensorflow/tfjs';

export function disposeModel(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    try {
      while (layer.dispose().refCountAfterDispose > 0);
    } catch {
      // Already disposed (reference count 0) or never built: nothing left to free.
    }
  }
}
