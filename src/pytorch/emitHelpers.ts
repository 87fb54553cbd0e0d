// Small pieces the layer emitters share: config readers, Python literals, TF.js activations as
// PyTorch expressions and TF.js axes as PyTorch dims (4-D tensors are NCHW in the generated code).
export type Pair = readonly [number, number];

export const pair = (v: unknown, what: string): Pair => {
  if (typeof v === 'number' && Number.isInteger(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isInteger(x))) return [v[0] as number, v[1] as number];
  throw new Error(`${what} must be an integer or a pair of integers, got ${JSON.stringify(v)}`);
};

export const py = (p: Pair): string => `(${p[0]}, ${p[1]})`;

/** A finite number as a Python float literal that reads back to the same double. */
export const pyFloat = (v: number): string => {
  if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
};

/** PyTorch dim of TF.js axis `axis` (negative allowed) of a rank-`rank` tensor. */
export function torchDim(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new Error(`axis ${axis} is outside a rank-${rank} tensor`);
  return rank === 4 ? [0, 2, 3, 1][a] : a;
}

/** TF.js activation `name` applied to the expression `x` of rank `rank`, or null when it has no PyTorch form here. */
export function activationExpr(name: unknown, x: string, rank: number): string | null {
  const channel = rank === 4 ? 1 : -1;
  switch (name ?? 'linear') {
    case 'linear': return x;
    case 'relu': return `F.relu(${x})`;
    case 'relu6': return `F.relu6(${x})`;
    case 'sigmoid': return `torch.sigmoid(${x})`;
    case 'tanh': return `torch.tanh(${x})`;
    case 'softmax': return `F.softmax(${x}, dim=${channel})`;
    case 'logSoftmax': return `F.log_softmax(${x}, dim=${channel})`;
    case 'elu': return `F.elu(${x})`;
    case 'selu': return `F.selu(${x})`;
    case 'softplus': return `F.softplus(${x})`;
    case 'softsign': return `F.softsign(${x})`;
    case 'swish': return `F.silu(${x})`;
    case 'mish': return `F.mish(${x})`;
    case 'gelu': return `F.gelu(${x})`;
    case 'gelu_new': return `F.gelu(${x}, approximate="tanh")`;
    case 'hardSigmoid': return `(0.2 * ${x} + 0.5).clamp(0.0, 1.0)`;
    default: return null;
  }
}
