// Convolutions and poolings over 1-, 2- or 3-D inputs, channels first or last.
import { bool, get, intOr, needDim, padding, posInt, tuple, type Config, type Shape } from './configValues';
import { one, type LayerResult } from './layerRule';
import { convLength, deconvLength, join, spatial } from './shapeMath';

export function conv(cfg: Config, x: Shape, rank: number, kind: 'conv' | 'transpose' | 'separable' | 'depthwise'): LayerResult {
  const { dims, channels } = spatial(x, rank, cfg, 'it');
  const cin = needDim(channels, 'its input channel count');
  const k = tuple(get(cfg, 'kernel_size'), rank, null, 'kernel_size');
  const strides = tuple(get(cfg, 'strides'), rank, 1, 'strides');
  const dilation = tuple(get(cfg, 'dilation_rate'), rank, 1, 'dilation_rate');
  const pad = padding(cfg);
  const bias = bool(get(cfg, 'use_bias'), true);
  const kernel = k.reduce((a, b) => a * b, 1);
  let params: number;
  let cout: number;
  if (kind === 'depthwise') {
    const m = intOr(get(cfg, 'depth_multiplier'), 1, 'depth_multiplier');
    cout = cin * m;
    params = kernel * cin * m + (bias ? cout : 0);
  } else {
    cout = posInt(get(cfg, 'filters'), 'filters');
    if (kind === 'separable') {
      const m = intOr(get(cfg, 'depth_multiplier'), 1, 'depth_multiplier');
      params = kernel * cin * m + cin * m * cout + (bias ? cout : 0);
    } else {
      params = kernel * cin * cout + (bias ? cout : 0);
    }
  }
  const out = dims.map((n, i) => (kind === 'transpose' ? deconvLength(n, k[i], pad, strides[i]) : convLength(n, k[i], pad, strides[i], dilation[i])));
  return one(join(cfg, out, cout), params);
}

export function pool(cfg: Config, x: Shape, rank: number): LayerResult {
  const { dims, channels } = spatial(x, rank, cfg, 'it');
  const size = tuple(get(cfg, 'pool_size'), rank, 2, 'pool_size');
  const raw = get(cfg, 'strides');
  const strides = raw === undefined || raw === null ? size : tuple(raw, rank, null, 'strides');
  const pad = padding(cfg);
  return one(join(cfg, dims.map((n, i) => convLength(n, size[i], pad, strides[i])), channels));
}

export function globalPool(cfg: Config, x: Shape, rank: number): LayerResult {
  const { channels } = spatial(x, rank, cfg, 'it');
  return one([channels]);
}
