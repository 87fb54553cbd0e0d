// Recurrent layers: SimpleRNN, GRU, LSTM, RNN over a cell (or stacked cells), and ConvLSTM2D.
import { bool, fail, get, isRecord, needDim, padding, posInt, tuple, type Config, type Shape } from './configValues';
import type { LayerResult } from './layerRule';
import { convLength, join, spatial } from './shapeMath';

type CellRule = (cfg: Config, inputWidth: number, what: string) => { params: number; units: number };

const gatedCell =
  (gates: number): CellRule =>
  (cfg, d, what) => {
    const u = posInt(get(cfg, 'units'), `${what} units`);
    return { params: gates * (d * u + u * u + (bool(get(cfg, 'use_bias'), true) ? u : 0)), units: u };
  };

/** Every RNN cell class the estimator sizes: its parameters for input width `d`, and its state width. */
export const CELL_RULES: Readonly<Record<string, CellRule>> = {
  SimpleRNNCell: gatedCell(1),
  GRUCell: gatedCell(3),
  LSTMCell: gatedCell(4),
  StackedRNNCells: (cfg, d, what) => {
    const cells = get(cfg, 'cells');
    if (!Array.isArray(cells) || cells.length === 0 || cells.length > 64) return fail(`${what} needs 1–64 cells`);
    let width = d;
    let params = 0;
    for (const c of cells) {
      const r = cellParams(c, width, what);
      params += r.params;
      width = r.units;
    }
    return { params, units: width };
  },
};

function cellParams(cell: unknown, d: number, what: string): { params: number; units: number } {
  if (!isRecord(cell) || typeof cell.class_name !== 'string' || !isRecord(cell.config)) return fail(`${what} has no cell config`);
  if (!Object.prototype.hasOwnProperty.call(CELL_RULES, cell.class_name)) {
    return fail(`${what} has a cell of class ${JSON.stringify(cell.class_name).slice(0, 40)}, which cannot be sized`);
  }
  return CELL_RULES[cell.class_name](cell.config, d, what);
}

/** SimpleRNN, GRU and LSTM hold their cell's config; RNN names its cell. */
export function rnn(className: string, cfg: Config, x: Shape): LayerResult {
  if (x.length !== 2) fail(`it needs a 3-D input [N,T,C], got [N,${x.map((d) => d ?? '?').join(',')}]`);
  const d = needDim(x[1], 'its input width');
  const cellClass = className === 'RNN' ? null : `${className}Cell`;
  const cell = cellClass ? { class_name: cellClass, config: cfg } : get(cfg, 'cell');
  const { params, units } = cellParams(cell, d, 'it');
  const seq = bool(get(cfg, 'return_sequences'), false);
  const out: Shape = seq ? [x[0], units] : [units];
  const states = bool(get(cfg, 'return_state'), false) ? (className === 'LSTM' ? 2 : 1) : 0;
  return { outputs: [out, ...Array.from({ length: states }, (): Shape => [units])], params, inner: 0, layers: 1 };
}

export function convLstm(cfg: Config, x: Shape): LayerResult {
  if (x.length !== 4) fail(`it needs a 5-D input [N,T,H,W,C]`);
  const { dims, channels } = spatial(x.slice(1), 2, cfg, 'it');
  const cin = needDim(channels, 'its input channel count');
  const f = posInt(get(cfg, 'filters'), 'filters');
  const k = tuple(get(cfg, 'kernel_size'), 2, null, 'kernel_size');
  const strides = tuple(get(cfg, 'strides'), 2, 1, 'strides');
  const dilation = tuple(get(cfg, 'dilation_rate'), 2, 1, 'dilation_rate');
  const pad = padding(cfg);
  const kk = k[0] * k[1];
  const params = kk * cin * 4 * f + kk * f * 4 * f + (bool(get(cfg, 'use_bias'), true) ? 4 * f : 0);
  const step = join(cfg, dims.map((n, i) => convLength(n, k[i], pad, strides[i], dilation[i])), f);
  const out: Shape = bool(get(cfg, 'return_sequences'), false) ? [x[0], ...step] : step;
  const states = bool(get(cfg, 'return_state'), false) ? 2 : 0;
  return { outputs: [out, ...Array.from({ length: states }, () => step)], params, inner: 0, layers: 1 };
}
