// What a layer rule is: how one Keras class's output shapes and parameters follow from its config
// and its input shapes (layerRules.ts holds one per class).
import type { Config, Shape } from './configValues';

export interface LayerResult {
  readonly outputs: Shape[];
  readonly params: number;
  /** Activations inside (nested models); the outputs are counted by the caller. */
  readonly inner: number;
  readonly layers: number;
}

/** One call of a layer, as its rule sees it. */
export interface LayerCall {
  readonly className: string;
  readonly inputs: readonly Shape[];
  /** The first input; fails when there is none. */
  readonly x: () => Shape;
  /** Sizes the layer a wrapper (TimeDistributed, Bidirectional) holds. */
  readonly layer: (className: string, cfg: Config, inputs: readonly Shape[]) => LayerResult;
  /** Sizes a nested model (one level deeper) called on `inputs`. */
  readonly model: (className: string, cfg: Config, inputs: readonly Shape[]) => LayerResult;
}

export type LayerRule = (cfg: Config, call: LayerCall) => LayerResult;

export const one = (s: Shape, params = 0): LayerResult => ({ outputs: [s], params, inner: 0, layers: 1 });
