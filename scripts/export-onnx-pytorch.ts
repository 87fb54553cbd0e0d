// npm run export:onnx-pytorch -- <model.onnx> --out <dir> [--name <base>]
//
// An .onnx (the page's *Export → Student (.onnx)*, with the trained weights, or any file the page
// takes; external-data files are read from beside it) as PyTorch: <dir>/<base>.py, the nn.Module
// generated from its graph (self-contained: torch and numpy), and <dir>/<base>.safetensors, its
// state dict under the graph's initialiser names, read from the layers model the page would build
// (src/pytorch/onnxModuleFiles.ts). <base> defaults to the file's name without .onnx, as a Python
// identifier. Prints the files and the keys the user's own class names otherwise (torch.onnx.export
// made them); exits 2 when the model or a node is refused (one line). See docs/pytorch.md.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { planConversion } from '../src/onnx/convert/plan';
import { decodeOnnx } from '../src/onnx/decode';
import { OnnxError } from '../src/onnx/errors';
import { externalLocations } from '../src/onnx/externalData';
import { onnxLayersModel } from '../src/onnx/layersModel';
import { PytorchExportError } from '../src/pytorch/graph';
import { onnxModuleFiles } from '../src/pytorch/onnxModuleFiles';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' }, name: { type: 'string' } } });
if (positionals.length !== 1 || !args.out) {
  console.error('usage: npm run export:onnx-pytorch -- <model.onnx> --out <dir> [--name <base>]');
  process.exit(2);
}
const path = positionals[0];
const base = args.name ?? (basename(path).replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, 'm_') || 'model');

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  // Copies: Node's Buffers may be views into a shared pool (PYTORCH-NOTES.md).
  const bytes = new Uint8Array(readFileSync(path));
  const model = decodeOnnx(bytes, basename(path));
  const external = new Map(externalLocations(model).map((loc) => [loc, new Uint8Array(readFileSync(join(dirname(path), loc)))]));
  const plan = planConversion(model, {}, external);
  const layers = onnxLayersModel(plan, external).model;
  try {
    const { files, notModulePaths } = onnxModuleFiles(layers, plan, base);
    mkdirSync(args.out!, { recursive: true });
    for (const [name, data] of Object.entries(files)) {
      writeFileSync(join(args.out!, name), data);
      console.log(join(args.out!, name));
    }
    if (notModulePaths.length) console.log(`${notModulePaths.length} keys are torch.onnx.export's own (not your class's names): ${notModulePaths.slice(0, 5).join(', ')}${notModulePaths.length > 5 ? ', …' : ''}`);
  } finally {
    layers.dispose();
  }
}

main().catch((e: unknown) => {
  const refused = e instanceof OnnxError || e instanceof PytorchExportError;
  console.error(refused ? (e as Error).message : e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  process.exit(refused ? 2 : 3);
});
