// What a layers-model topology (model.json's modelTopology) declares, sized from the JSON alone:
// parameters, float32 activations of one image, layers, input sides. tf.loadLayersModel builds
// every layer and zero-fills every declared weight *before* it reads the manifest, so a model.json
// of eight Dense layers of 20 000 units with an empty manifest allocates ~12 GB; this estimate runs
// first and refuses such a topology (limits in src/limits.ts) without allocating anything.
//
// Shapes and parameter counts follow tfjs 4.22 (one rule per layer class in
// layersSizing/layerRules.ts, walked over the graph by layersSizing/modelWalk.ts);
// src/byo/topologyEstimate.test.ts builds models of each class and compares with countParams().
// Pure: no tfjs, bounded work (each layer call is visited once; cycles are refused).
import { LIMITS, limitText } from '../limits';
import { formatByteCount, groupDigits } from '../messageNumbers';
import { EstimateError, type Shape } from './layersSizing/configValues';
import { LAYER_RULES } from './layersSizing/layerRules';
import { sizeTopology } from './layersSizing/modelWalk';
import { CELL_RULES } from './layersSizing/recurrentRules';
import { ModelFileError } from './modelFiles';

export interface TopologyEstimate {
  /** Weights every layer will create (trainable and not), in elements. */
  readonly params: number;
  /** Float32 bytes of every layer output for one image (unknown input sides taken as 64). */
  readonly activationBytes: number;
  /** Layers, nested models' layers included. */
  readonly layers: number;
  /** Input shapes as declared (without the batch dimension). */
  readonly inputs: readonly Shape[];
}

/** Every layer class the estimator sizes (tfjs 4.22's registered layers and MaskdBilinearResize; RNN cells inside RNN layers). */
export const SIZED_LAYER_CLASSES: readonly string[] = [...Object.keys(LAYER_RULES), ...Object.keys(CELL_RULES)];

/** Sizes a layers-model topology; throws a ModelFileError naming `file` when it cannot be sized. */
export function estimateTopology(file: string, topology: unknown): TopologyEstimate {
  try {
    const r = sizeTopology(topology);
    return { params: r.params, activationBytes: r.activations * 4, layers: r.layers, inputs: r.inputs };
  } catch (err) {
    if (err instanceof EstimateError) throw new ModelFileError(file, `cannot be sized before it is built: ${err.message}`);
    if (err instanceof ModelFileError) throw err;
    // RangeError (a too-deep structure) and the like: still a refusal, with the file named.
    throw new ModelFileError(file, `cannot be sized before it is built (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * Refuses, before tf.loadLayersModel builds anything, a topology that declares more than the limits
 * allow (layers, input side, parameters, activations) or more weights than its manifest holds
 * (`manifestValues`: elements of every weight in weightsManifest). Returns the estimate.
 */
export function checkLayersTopology(file: string, topology: unknown, manifestValues: number): TopologyEstimate {
  const est = estimateTopology(file, topology);
  if (!(est.layers <= LIMITS.modelLayers.value)) {
    throw new ModelFileError(file, `has ${groupDigits(est.layers)} layers, over ${limitText('modelLayers')} on ${LIMITS.modelLayers.what}`);
  }
  for (const s of est.inputs) {
    if (s.length === 3 && s.slice(0, 2).some((d) => d !== null && d > LIMITS.modelInputSide.value)) {
      throw new ModelFileError(
        file,
        `takes ${s[0] ?? '?'}×${s[1] ?? '?'} images, over ${limitText('modelInputSide')} on ${LIMITS.modelInputSide.what}: export it for a smaller input`,
      );
    }
  }
  if (!(est.params <= LIMITS.modelParams.value)) {
    throw new ModelFileError(
      file,
      `declares ${groupDigits(est.params)} parameters (${formatByteCount(est.params * 4)} as float32), over ${limitText('modelParams')} on ${LIMITS.modelParams.what}; nothing was built`,
    );
  }
  if (!(est.params <= manifestValues)) {
    throw new ModelFileError(
      file,
      `declares ${groupDigits(est.params)} parameters in its layers, but its weightsManifest holds ${groupDigits(manifestValues)} values: the weights are missing or belong to another model. Nothing was built; export the model again`,
    );
  }
  if (!(est.activationBytes <= LIMITS.modelActivationBytes.value)) {
    throw new ModelFileError(
      file,
      `would produce ${formatByteCount(est.activationBytes)} of activations for one image, over ${limitText('modelActivationBytes')} on ${LIMITS.modelActivationBytes.what}`,
    );
  }
  return est;
}
