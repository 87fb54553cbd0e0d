// The net the demo students' backbone is pretrained in (scripts/pretrain-students.ts): the
// student's own layers from the input to `neck` (built by buildStudent, so the names are the ones
// the demo student loads by), then `neck_relu`, global average pooling and a dense classifier of
// the digits present. Only the backbone is kept: the pooling and the classifier are discarded, as
// the reference's students keep an ImageNet backbone and drop its classifier (hunto/MasKD:
// RetinaNet-R50 and DeepLabV3-R18 from ImageNet-pretrained ResNets).
import * as tf from '@tensorflow/tfjs';
import { DET_HEAT_CHANNELS, TAP_LAYER, buildStudent, type Task } from './nets';
import { splitAtLayer } from './split';

/** The digit classes the proxy classifies (presence of each of 0..9). */
export const PRETRAIN_CLASSES = DET_HEAT_CHANNELS;
export const PRETRAIN_HEAD_LAYERS = ['pretrain_pool', 'pretrain_cls'] as const;

/** Student backbone + GAP + dense logits [N, 10]; `task` only picks which student is built (their backbones are the same). */
export function buildBackboneClassifier(task: Task = 'segmentation'): tf.LayersModel {
  const student = buildStudent(task);
  const relu = student.getLayer(`${TAP_LAYER}_relu`).output as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: PRETRAIN_HEAD_LAYERS[0] }).apply(relu) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ name: PRETRAIN_HEAD_LAYERS[1], units: PRETRAIN_CLASSES }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: student.inputs, outputs: logits, name: 'student_backbone_classifier' });
}

/** The layers of `model` from its input to `neck` that hold weights, in graph order. */
export function backboneLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const { backbone, head } = splitAtLayer(model, TAP_LAYER);
  const layers = backbone.layers.filter((l) => l.weights.length > 0);
  // The split shares the layers; the two wrapper models own nothing to free beyond their graphs.
  void head;
  return layers;
}
