// Models and tensors as plain data: what crosses the worker boundary in their place.
// Plain data and transferable ArrayBuffers only (tensors never cross); imports nothing from src/train.

/** A LayersModel as plain data: what tf.io save handlers receive, with one weight buffer. */
export interface ModelArtifactsData {
  readonly modelTopology: object;
  readonly weightSpecs: readonly { name: string; shape: number[]; dtype: string }[];
  readonly weightData: ArrayBuffer;
}

/** A named tensor as plain data (optimizer slots, checkpoints). */
export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}
