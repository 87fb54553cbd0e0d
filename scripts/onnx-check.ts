// npm run onnx:check -- <model.onnx> [--input in.npy --expected out.npy] [--batch 2] [--seed 1]
//
// Converts an .onnx (external-data files are read from beside it) on the wasm backend and prints
// its op counts, its taps (the default marked *) and the max relative error of its outputs against
// ONNX Runtime on seeded random inputs; with --input, also against ONNX Runtime on that input and,
// with --expected, against that array (the graph's first output; .npy float32/float64, NCHW as
// PyTorch writes it). Exits 1 when an error is above 1e-4, 2 when the model is refused (by the
// converter, or a tensor the wasm backend will not allocate), 3 on any other error (one line).
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { useWasmBackend as startWasmBackend } from '../src/backends/wasm/node';
import { decodeOnnx } from '../src/onnx/decode';
import { externalLocations } from '../src/onnx/externalData';
import { readNpy } from '../src/onnx/npy';
import { checkOnnx, describeCheckError, formatOnnxCheck } from './onnxCheck';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { input: { type: 'string' }, expected: { type: 'string' }, batch: { type: 'string', default: '2' }, seed: { type: 'string', default: '1' } },
});
if (positionals.length !== 1) {
  console.error('usage: npm run onnx:check -- <model.onnx> [--input in.npy --expected out.npy] [--batch 2] [--seed 1]');
  process.exit(2);
}
if (args.expected && !args.input) {
  console.error('--expected needs --input (the input it is the output of)');
  process.exit(2);
}
// Copies: Node's Buffers may be views into a shared pool (PYTORCH-NOTES.md).
const read = (path: string) => new Uint8Array(readFileSync(path));
const path = positionals[0];
ort.env.wasm.numThreads = 1;
// process.exit drops what a pipe has not taken yet (a DenseNet's 380 lines of taps stopped at
// 64 KiB under `| grep`): exit once stdout and stderr have flushed.
const flushed = (s: NodeJS.WriteStream) => new Promise<void>((resolve) => s.write('', () => resolve()));
const exit = async (code: number): Promise<never> => {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
};
try {
  const bytes = read(path);
  await startWasmBackend();
  const external = new Map<string, Uint8Array>();
  for (const location of externalLocations(decodeOnnx(bytes, basename(path)))) {
    try {
      external.set(location, read(join(dirname(path), location)));
    } catch {
      // Left out: the converter refuses the tensor that needs it, naming the file.
    }
  }
  const report = await checkOnnx({
    bytes,
    file: basename(path),
    external,
    given: args.input ? { input: readNpy(read(args.input)), expected: args.expected ? readNpy(read(args.expected)) : null } : undefined,
    batch: Number(args.batch),
    seed: Number(args.seed),
  });
  console.log(formatOnnxCheck(report));
  await exit(report.ok ? 0 : 1);
} catch (err) {
  // Never rethrown: see describeCheckError.
  const { line, code } = describeCheckError(err);
  console.error(line);
  await exit(code);
}
