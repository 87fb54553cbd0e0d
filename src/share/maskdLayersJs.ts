// The custom layer the demo nets use (src/models/resizeLayer.ts) as a standalone ES module that
// ships inside the student zip, so plain TensorFlow.js can load the exported model.json:
//   import { registerMaskdLayers } from './maskd-layers.js';
//   registerMaskdLayers(tf); const student = await tf.loadLayersModel('student/model.json');
// tfjsExport.test.ts loads an exported model through this text and compares its outputs.
export const MASKD_LAYERS_FILE = 'maskd-layers.js';

export const MASKD_LAYERS_JS = `// Custom layers of MasKD Playground models, for plain TensorFlow.js (4.x).
// MaskdBilinearResize: bilinear resize to a fixed height x width, align_corners = true.
export function registerMaskdLayers(tf) {
  class MaskdBilinearResize extends tf.layers.Layer {
    static className = 'MaskdBilinearResize';
    constructor(args) {
      super({ name: args.name });
      this.height = args.height;
      this.width = args.width;
    }
    computeOutputShape(inputShape) {
      const s = Array.isArray(inputShape[0]) ? inputShape[0] : inputShape;
      return [s[0], this.height, this.width, s[3]];
    }
    call(inputs) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.image.resizeBilinear(x, [this.height, this.width], true);
    }
    getConfig() {
      return { ...super.getConfig(), height: this.height, width: this.width };
    }
  }
  tf.serialization.registerClass(MaskdBilinearResize);
  return { MaskdBilinearResize };
}
`;
