// Bilinear resize as a layer. tfjs 4.22's own `tf.layers.resizing` drops the batch dimension from
// its output shape and fails when applied in a functional model, so this replaces it.
// alignCorners = true: its gradient is implemented on every backend (halfPixelCenters is ignored
// by ResizeBilinearGrad, which would make forward and backward disagree).
import * as tf from '@tensorflow/tfjs';

export interface BilinearResizeArgs {
  readonly height: number;
  readonly width: number;
  readonly name?: string;
}

export class BilinearResize extends tf.layers.Layer {
  static readonly className = 'MaskdBilinearResize';
  private readonly height: number;
  private readonly width: number;

  constructor(args: BilinearResizeArgs) {
    super({ name: args.name });
    this.height = args.height;
    this.width = args.width;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], this.height, this.width, s[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.image.resizeBilinear(x, [this.height, this.width], true);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }
}

tf.serialization.registerClass(BilinearResize);
