// A model that came in as ONNX, back to PyTorch: the nn.Module source of its own graph (one line or
// a few per node, NCHW as the file is, no TF.js layout anywhere), whose state dict keys are the
// graph's initialiser names (./onnxTensors.ts). Self-contained: torch, numpy and the file's
// read_safetensors. Every node the generator cannot write is refused by op and name before
// anything is returned.
import { BuildContext } from '../onnx/convert/context';
import type { Plan } from '../onnx/convert/plan';
import type { OnnxNode } from '../onnx/model';
import { pyFloat } from './emitHelpers';
import { READ_SAFETENSORS_PY } from './templates/readSafetensors.py';
import { PytorchExportError } from './graph';
import { type ModuleConstant, OP_WRITERS, type OpEmit } from './onnxOps';
import { CONSTANTS_CHILD, onnxModuleTensors, type OnnxModuleTensors } from './onnxTensors';

export interface OnnxModule {
  readonly source: string;
  readonly tensors: OnnxModuleTensors;
}

const HEADER = `import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

${READ_SAFETENSORS_PY}

def _cat(parts):
    """Per-image results joined along the batch: tensors, and tuples and dicts of them."""
    first = parts[0]
    if torch.is_tensor(first):
        return torch.cat(parts, 0)
    if isinstance(first, dict):
        return {k: _cat([p[k] for p in parts]) for k in first}
    return tuple(_cat([p[k] for p in parts]) for k in range(len(first)))


def _owner(root, path):
    """The submodule at \`path\` (a list of names), made empty where missing: initialiser names are module paths."""
    mod = root
    for part in path:
        if part not in mod._modules:
            mod.add_module(part, nn.Module())
        mod = mod._modules[part]
    return mod
`;

const pyList = (v: readonly number[], float: boolean) => `[${v.map((x) => (float ? pyFloat(x) : String(x))).join(', ')}]`;

function constantLine(name: string, c: ModuleConstant): string {
  const dtype = c.dtype === 'long' ? 'torch.long' : 'torch.float32';
  return `        self.${CONSTANTS_CHILD}.register_buffer("${name}", torch.tensor(${pyList(c.values, c.dtype === 'float32')}, dtype=${dtype}).reshape(${c.dims.length === 1 ? `(${c.dims[0]},)` : `(${c.dims.join(', ')})`}), persistent=False)`;
}

/** The module of `plan`'s graph; throws PytorchExportError naming every node (op, name) it cannot write. */
export function generateOnnxModule(plan: Plan, layerNames: ReadonlyMap<OnnxNode, string> = new Map(), className = 'Net'): OnnxModule {
  const tensors = onnxModuleTensors(plan);
  const opset = plan.model.opset;
  const metaOf = (n: string) => plan.meta.get(n)!;
  const vars = new Map<string, string>([[plan.input.name, 'x']]);
  const constants: string[] = [];
  const body: string[] = [];
  const refused: string[] = [];
  const used = new Set<string>();
  let count = 0;
  /** Page layer name → the local of its node's first output (train.py's taps are page layer names). */
  const kept = new Map<string, string>();
  for (const step of plan.steps) {
    const node = step.node;
    const ctx = new BuildContext(node, opset, metaOf);
    const writer = OP_WRITERS[node.opType];
    if (!writer) {
      refused.push(`${node.opType} node "${node.name}": the generator does not write this op`);
      continue;
    }
    const outs = node.outputs.map((o) => (o ? `v${++count}` : '_'));
    const emit: OpEmit = {
      ctx,
      outs,
      outMeta: step.outputs,
      arg: (k) => {
        const name = node.inputs[k];
        const v = vars.get(name);
        if (v) return v;
        const key = tensors.key(node, name);
        if (key) {
          used.add(key);
          return `t[${JSON.stringify(key)}]`;
        }
        const c = plan.meta.get(name)?.constant;
        if (!c) throw ctx.refuse(`input "${name}" is neither computed, a weight nor a constant`);
        if (c.values.some((x) => Number.isNaN(x))) throw ctx.refuse(`its constant input "${name}" depends on the batch size`);
        return emit.constant({ values: c.values, dims: c.dims, dtype: 'float32' });
      },
      constant: (c) => {
        const name = `k${constants.length}`;
        constants.push(constantLine(name, c));
        return `self.${CONSTANTS_CHILD}.${name}`;
      },
    };
    try {
      const lines = writer(emit);
      body.push(`        # ${node.opType} ${JSON.stringify(node.name)}`, ...lines.map((l) => `        ${l}`));
      node.outputs.forEach((o, k) => o && vars.set(o, outs[k]));
      const layer = layerNames.get(node);
      if (layer && outs[0] !== '_') kept.set(layer, outs[0]);
      const counted = tensors.count(node);
      if (counted) body.push(`        if self.training:`, `            t[${JSON.stringify(counted)}].add_(1)`);
    } catch (e) {
      refused.push(e instanceof Error ? e.message : String(e));
    }
  }
  if (refused.length) throw new PytorchExportError(`cannot write the ONNX graph as a PyTorch module: ${refused.join('; ')}`, refused);
  const outputs = plan.outputs.map((o) => vars.get(o)!);
  const { channels, height, width, fixedBatch } = plan.input;
  const tensorRows = tensors.list.map((t) => `    (${JSON.stringify(t.name)}, (${t.dims.join(', ')}${t.dims.length === 1 ? ',' : ''}), "${t.from === 'count' ? 'count' : t.kind}"),`);
  const oneByOne = fixedBatch === 1
    ? ['        if x.shape[0] != 1:', '            # The file fixes the batch at 1: one image at a time, as the page runs it.', '            return _cat([self.forward(x[i : i + 1], keep) for i in range(x.shape[0])])']
    : [];
  for (const [value, local] of vars) if (!kept.has(value)) kept.set(value, local);
  return {
    tensors,
    source: [
      `# Generated by MasKD Playground from the ONNX graph of ${JSON.stringify(plan.model.graph.name || 'model')} (opset ${opset}):`,
      `# input ${JSON.stringify(plan.input.name)} [N, ${channels}, ${height}, ${width}] (NCHW, float32); state dict keys are the graph's initialiser names.`,
      '#   net = Net(); net.load_state_dict(read_safetensors("<this file>.safetensors"), strict=True)',
      HEADER,
      '# (state dict key, shape, kind): trained parameters; running statistics and frozen values as buffers.',
      'TENSORS = [',
      ...tensorRows,
      ']',
      '',
      '',
      `class ${className}(nn.Module):`,
      `    """The ONNX graph's nodes in order, as PyTorch ops; outputs: ${plan.outputs.map((o) => JSON.stringify(o)).join(', ')}."""`,
      '',
      '    def __init__(self):',
      '        super().__init__()',
      '        for name, shape, kind in TENSORS:',
      '            *path, leaf = name.split(".")',
      '            owner = _owner(self, path)',
      '            if kind == "parameter":',
      '                owner.register_parameter(leaf, nn.Parameter(torch.zeros(shape)))',
      '            else:',
      '                owner.register_buffer(leaf, torch.zeros(shape, dtype=torch.long if kind == "count" else torch.float32))',
      `        self.${CONSTANTS_CHILD} = nn.Module()`,
      ...constants,
      '',
      `    LOCALS = {${[...kept].map(([k, v]) => `${JSON.stringify(k)}: "${v}"`).join(', ')}}`,
      '',
      '    def forward(self, x, keep=()):',
      '        """The graph\'s outputs; with keep=(ONNX value or page layer names), also {name: that value}."""',
      ...oneByOne,
      ...(used.size ? ['        t = {**dict(self.named_parameters()), **dict(self.named_buffers())}'] : []),
      ...body,
      `        out = ${outputs.length === 1 ? outputs[0] : `(${outputs.join(', ')})`}`,
      '        if keep:',
      '            env = locals()',
      '            return out, {k: env[self.LOCALS[k]] for k in keep}',
      '        return out',
      '',
    ].join('\n'),
  };
}
