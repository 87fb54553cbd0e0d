// Emitters of the convolution-like layers: Conv2D, DepthwiseConv2D, SeparableConv2D,
// Conv2DTranspose, Dense. Each gives the module's constructor, its state (PyTorch layouts) and
// the forward expression; TF's 'same' padding becomes an explicit same_pad (odd pixel bottom/right).
import type { LayerNode } from './graph';
import { activationExpr, pair, py } from './emitHelpers';
import { denseToTorch, depthwiseToTorch, f32, hwioToOihw, transposeKernelToTorch, type StateTensor } from './layout';

export interface Emitted {
  /** Constructor expression of the submodule `self.<attr>`, if the layer has one. */
  readonly module?: string;
  /** Lines run after the submodule is made (`{m}` stands for `self.<attr>`). */
  readonly after?: readonly string[];
  /** State entries under `<attr>.`. */
  readonly state?: Readonly<Record<string, StateTensor>>;
  /** Forward expression; `{m}` stands for `self.<attr>`. */
  readonly forward: string;
}

export type Emitter = (node: LayerNode, inputs: readonly string[]) => Emitted;

const cfg = (n: LayerNode, key: string): unknown => n.config[key];

function weight(n: LayerNode, name: string) {
  const w = n.weights[name];
  if (!w) throw new Error(`has no weight "${name}"`);
  return w;
}

function channelsLast(n: LayerNode): void {
  const f = cfg(n, 'dataFormat');
  if (f !== undefined && f !== null && f !== 'channelsLast') throw new Error(`dataFormat ${String(f)} (only channelsLast)`);
}

function paddingOf(n: LayerNode): 'same' | 'valid' {
  const p = cfg(n, 'padding') ?? 'valid';
  if (p !== 'same' && p !== 'valid') throw new Error(`padding ${String(p)} (only same and valid)`);
  return p;
}

function activated(n: LayerNode, x: string): string {
  const e = activationExpr(cfg(n, 'activation'), x, n.outputShape.length);
  if (e === null) throw new Error(`activation ${String(cfg(n, 'activation'))} has no PyTorch form here`);
  return e;
}

function spatial(n: LayerNode, x: string) {
  channelsLast(n);
  if (n.inputShapes[0]?.length !== 4) throw new Error('needs a 4-D input');
  const k = pair(cfg(n, 'kernelSize'), 'kernelSize');
  const s = pair(cfg(n, 'strides') ?? 1, 'strides');
  const d = pair(cfg(n, 'dilationRate') ?? 1, 'dilationRate');
  const same = paddingOf(n) === 'same';
  return { k, s, d, cin: n.inputShapes[0][3] as number, padded: same ? `same_pad(${x}, ${py(k)}, ${py(s)}, ${py(d)})` : x };
}

const biasState = (n: LayerNode, useBias: boolean, key = 'bias'): Record<string, StateTensor> => (useBias ? { [key]: f32(weight(n, 'bias')) } : {});

export const conv2d: Emitter = (n, [x]) => {
  const { k, s, d, cin, padded } = spatial(n, x);
  const useBias = cfg(n, 'useBias') !== false;
  const filters = cfg(n, 'filters') as number;
  return {
    module: `nn.Conv2d(${cin}, ${filters}, ${py(k)}, stride=${py(s)}, dilation=${py(d)}, bias=${useBias ? 'True' : 'False'})`,
    state: { weight: hwioToOihw(weight(n, 'kernel')), ...biasState(n, useBias) },
    forward: activated(n, `{m}(${padded})`),
  };
};

export const depthwiseConv2d: Emitter = (n, [x]) => {
  const { k, s, d, cin, padded } = spatial(n, x);
  const useBias = cfg(n, 'useBias') !== false;
  // From the kernel [kh, kw, C, M]: TF.js's SeparableConv2D leaves depthMultiplier out of its config.
  const m = weight(n, 'depthwise_kernel').shape[3];
  return {
    module: `nn.Conv2d(${cin}, ${cin * m}, ${py(k)}, stride=${py(s)}, dilation=${py(d)}, groups=${cin}, bias=${useBias ? 'True' : 'False'})`,
    state: { weight: depthwiseToTorch(weight(n, 'depthwise_kernel')), ...biasState(n, useBias) },
    forward: activated(n, `{m}(${padded})`),
  };
};

export const separableConv2d: Emitter = (n, [x]) => {
  const { k, s, d, cin, padded } = spatial(n, x);
  const useBias = cfg(n, 'useBias') !== false;
  // From the kernel [kh, kw, C, M]: TF.js's SeparableConv2D leaves depthMultiplier out of its config.
  const m = weight(n, 'depthwise_kernel').shape[3];
  const filters = cfg(n, 'filters') as number;
  return {
    module: `SeparableConv(${cin}, ${filters}, ${py(k)}, ${py(s)}, ${py(d)}, ${m}, ${useBias ? 'True' : 'False'})`,
    state: {
      'depthwise.weight': depthwiseToTorch(weight(n, 'depthwise_kernel')),
      'pointwise.weight': hwioToOihw(weight(n, 'pointwise_kernel')),
      ...biasState(n, useBias, 'pointwise.bias'),
    },
    forward: activated(n, `{m}(${padded})`),
  };
};

export const conv2dTranspose: Emitter = (n, [x]) => {
  channelsLast(n);
  if (n.inputShapes[0]?.length !== 4) throw new Error('needs a 4-D input');
  const k = pair(cfg(n, 'kernelSize'), 'kernelSize');
  const s = pair(cfg(n, 'strides') ?? 1, 'strides');
  // TF.js's Conv2DTranspose ignores dilationRate (tf.conv2dTranspose has none), and so does this.
  const useBias = cfg(n, 'useBias') !== false;
  const cin = n.inputShapes[0][3] as number;
  return {
    module: `TfConvTranspose(${cin}, ${cfg(n, 'filters') as number}, ${py(k)}, ${py(s)}, ${paddingOf(n) === 'same' ? 'True' : 'False'}, ${useBias ? 'True' : 'False'})`,
    state: { weight: transposeKernelToTorch(weight(n, 'kernel')), ...biasState(n, useBias) },
    forward: activated(n, `{m}(${x})`),
  };
};

export const dense: Emitter = (n, [x]) => {
  const rank = n.inputShapes[0]?.length ?? 0;
  const units = cfg(n, 'units') as number;
  const cin = n.inputShapes[0]?.[rank - 1] as number;
  const useBias = cfg(n, 'useBias') !== false;
  const applied = rank === 4 ? `from_tf({m}(to_tf(${x})))` : `{m}(${x})`;
  return {
    module: `nn.Linear(${cin}, ${units}, bias=${useBias ? 'True' : 'False'})`,
    state: { weight: denseToTorch(weight(n, 'kernel')), ...biasState(n, useBias) },
    forward: activated(n, applied),
  };
};
