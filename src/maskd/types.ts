import type { Scalar, Tensor2D, Tensor4D } from '@tensorflow/tfjs';

/** Options of the masked distillation loss. */
export interface MaskedDistillOptions {
  /** Token weights [N,T] from the token-weight branch; without them every token counts equally. */
  weights?: Tensor2D;
  /** Added to each mask's area before dividing (reference segmentation code: 1e-5). */
  eps?: number;
}

/**
 * The four MasKD operations. `./ops` is the composed reference; `./index` (the dispatching
 * entry) has the same shape, so callers such as the methods can take either.
 * All tensors are channels-last: features [N,H,W,C], tokens [T,C], masks [N,H,W,T], weights [N,T].
 */
export interface MaskdOps {
  receptiveMasks(features: Tensor4D, tokens: Tensor2D): Tensor4D;
  maskedAggregate(features: Tensor4D, masks: Tensor4D, weights?: Tensor2D): Tensor4D;
  diceDiversity(masks: Tensor4D): Scalar;
  maskedDistillLoss(student: Tensor4D, teacher: Tensor4D, masks: Tensor4D, options?: MaskedDistillOptions): Scalar;
}

/** A tensor as plain data, for JSON, IndexedDB and export code. */
export interface SerializedTensor {
  shape: number[];
  data: number[];
}

/** A named tensor as plain data. */
export interface NamedSerializedTensor extends SerializedTensor {
  name: string;
}
