// Parameter and FLOP counts of a LayersModel, per image (batch dimension excluded).
//
// Convention (stated so numbers can be compared):
//   conv2d / depthwise / separable / conv2dTranspose / dense: 2 FLOPs per multiply-accumulate
//     (bias adds not counted);
//   batchNormalization: 2 per element (scale and shift once folded);
//   ReLU/activation layers and add/multiply: 1 per output element (per extra input for merges);
//   upSampling2d / resizing / MaskdBilinearResize: bilinear 8 per output element (4 weights × multiply-add), nearest 0;
//   pooling: k·k per output element, global pooling 1 per input element;
//   input, reshape, flatten, dropout, concatenate: 0.
// Layers of other classes count 0 and are listed in `uncounted`.
import type * as tf from '@tensorflow/tfjs';

export interface LayerCost {
  readonly name: string;
  readonly className: string;
  readonly params: number;
  readonly flops: number;
}

export interface ModelCost {
  readonly params: number;
  readonly flops: number;
  readonly layers: readonly LayerCost[];
  readonly uncounted: readonly string[];
}

type Shape = (number | null)[];
type LayerConfig = Record<string, unknown>;

function elems(shape: Shape): number {
  return shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
}

function asShapes(s: Shape | Shape[]): Shape[] {
  return Array.isArray(s[0]) ? (s as Shape[]) : [s as Shape];
}

function pair(v: unknown): [number, number] {
  if (Array.isArray(v)) return [Number(v[0]), Number(v[1] ?? v[0])];
  return [Number(v), Number(v)];
}

function lastDim(shape: Shape): number {
  return shape[shape.length - 1] ?? 1;
}

function layerFlops(className: string, cfg: LayerConfig, ins: Shape[], outs: Shape[]): number | null {
  const inp = ins[0];
  const out = outs[0];
  switch (className) {
    case 'Conv2D': {
      const [kh, kw] = pair(cfg.kernelSize);
      return 2 * elems(out) * kh * kw * lastDim(inp);
    }
    case 'DepthwiseConv2D': {
      const [kh, kw] = pair(cfg.kernelSize);
      return 2 * elems(out) * kh * kw;
    }
    case 'SeparableConv2D': {
      const [kh, kw] = pair(cfg.kernelSize);
      const mult = Number(cfg.depthMultiplier ?? 1);
      const spatial = elems(out) / lastDim(out);
      return 2 * spatial * lastDim(inp) * mult * (kh * kw + lastDim(out));
    }
    case 'Conv2DTranspose': {
      const [kh, kw] = pair(cfg.kernelSize);
      return 2 * elems(inp) * kh * kw * lastDim(out);
    }
    case 'Dense':
      return 2 * elems(out) * lastDim(inp);
    case 'BatchNormalization':
      return 2 * elems(out);
    case 'Activation':
    case 'ReLU':
    case 'LeakyReLU':
    case 'Softmax':
      return elems(out);
    case 'Add':
    case 'Multiply':
    case 'Average':
    case 'Maximum':
    case 'Minimum':
      return (ins.length - 1) * elems(out);
    case 'UpSampling2D':
    case 'Resizing':
      return cfg.interpolation === 'bilinear' ? 8 * elems(out) : 0;
    case 'MaskdBilinearResize':
      return 8 * elems(out);
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const [ph, pw] = pair(cfg.poolSize);
      return ph * pw * elems(out);
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      return elems(inp);
    case 'InputLayer':
    case 'Reshape':
    case 'Flatten':
    case 'Permute':
    case 'Dropout':
    case 'Concatenate':
      return 0;
    default:
      return null;
  }
}

const NESTED = new Set(['Functional', 'Model', 'Sequential']);

/** Counts every node of the model's own graph (a layer shared by two graphs is counted where used). */
export function modelCost(model: tf.LayersModel): ModelCost {
  const layers: LayerCost[] = [];
  const uncounted: string[] = [];
  let flops = 0;
  const depths = Object.keys(model.nodesByDepth)
    .map(Number)
    .sort((a, b) => b - a);
  for (const depth of depths) {
    for (const node of model.nodesByDepth[depth]) {
      const layer = node.outboundLayer;
      const className = layer.getClassName();
      let f: number | null;
      if (NESTED.has(className)) {
        const inner = modelCost(layer as unknown as tf.LayersModel);
        f = inner.flops;
        uncounted.push(...inner.uncounted);
      } else {
        f = layerFlops(className, layer.getConfig() as LayerConfig, asShapes(node.inputShapes), asShapes(node.outputShapes));
      }
      if (f === null) {
        uncounted.push(`${layer.name} (${className})`);
        f = 0;
      }
      flops += f;
      layers.push({ name: layer.name, className, params: layer.countParams(), flops: f });
    }
  }
  return { params: model.countParams(), flops, layers, uncounted };
}

export function formatCost(cost: Pick<ModelCost, 'params' | 'flops'>): string {
  const p = cost.params >= 1e6 ? `${(cost.params / 1e6).toFixed(2)}M` : `${(cost.params / 1e3).toFixed(1)}k`;
  return `${p} params, ${(cost.flops / 1e6).toFixed(2)} MFLOPs/image`;
}
