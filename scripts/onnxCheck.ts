// What `npm run onnx:check` measures of one .onnx (and its external-data files): its op counts, its
// taps, and the max relative error of the converted model's outputs against ONNX Runtime
// (onnxruntime-web's WASM build) on seeded random inputs and, when given, against an expected
// array for a given input (float32/float64 .npy, NCHW as PyTorch writes it). Runs on whatever
// TF.js backend is active (the CLI picks wasm).
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { BackendAllocationError } from '../src/backends/wasm/allocGuard';
import { Rng } from '../src/data/rng';
import { planConversion } from '../src/onnx/convert/plan';
import { decodeOnnx } from '../src/onnx/decode';
import { OnnxError } from '../src/onnx/errors';
import type { OnnxModel } from '../src/onnx/model';
import { type NpyArray } from '../src/onnx/npy';
import { OnnxGraphModel } from '../src/onnx/onnxModel';
import { relError } from '../src/onnx/relError';
import { listTaps, type OnnxTap } from '../src/onnx/taps';
import type { ExternalFiles } from '../src/onnx/tensorData';

/** The issue's bar: outputs within 1e-4 relative of ONNX Runtime and of the expected array. */
export const ONNX_CHECK_TOLERANCE = 1e-4;

export interface OnnxCheckInput {
  readonly bytes: Uint8Array;
  readonly file: string;
  readonly external?: ExternalFiles;
  /** An input (NCHW) and the output it should give (the graph's first output, as ONNX lays it out). */
  readonly given?: { readonly input: NpyArray; readonly expected: NpyArray | null };
  /** Images in the random batch (1 where the file fixes the batch at 1). */
  readonly batch?: number;
  readonly seed?: number;
}

export interface OnnxCheckReport {
  readonly file: string;
  readonly opset: number;
  readonly producer: string;
  readonly input: { readonly name: string; readonly shape: readonly number[] };
  readonly ops: ReadonlyArray<readonly [string, number]>;
  readonly taps: readonly OnnxTap[];
  readonly suggested: string | null;
  /** Per graph output, against ONNX Runtime on the random batch. */
  readonly vsRuntime: ReadonlyArray<{ readonly output: string; readonly shape: readonly number[]; readonly relError: number }>;
  /** Against the expected array, when one was given; against ONNX Runtime on the given input otherwise. */
  readonly vsExpected: number | null;
  readonly vsRuntimeOnGiven: number | null;
  readonly ok: boolean;
}

/** Op types by how often the graph uses them, most first. */
export function opCounts(model: OnnxModel): [string, number][] {
  const counts = new Map<string, number>();
  for (const n of model.graph.nodes) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function randomInput(shape: readonly number[], seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}

/** The converted model's outputs for NCHW data, NCHW (as ONNX lays them out). */
function converted(model: OnnxGraphModel, data: Float32Array, shape: readonly number[]): Float32Array[] {
  const outs = tf.tidy(() => model.run(tf.transpose(tf.tensor(data, [...shape]), [0, 2, 3, 1]), undefined, { layout: 'logical' }));
  const values = outs.map((o) => Float32Array.from(o.dataSync()));
  tf.dispose(outs);
  return values;
}

async function runtime(session: ort.InferenceSession, data: Float32Array, shape: readonly number[]): Promise<Float32Array[]> {
  const res = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, [...shape]) });
  return session.outputNames.map((n) => Float32Array.from(res[n].data as Float32Array));
}

export async function checkOnnx(args: OnnxCheckInput): Promise<OnnxCheckReport> {
  const external = args.external ?? new Map<string, Uint8Array>();
  const decoded = decodeOnnx(args.bytes, args.file);
  const given = args.given;
  const inputSize = given && given.input.shape.length === 4 ? ([given.input.shape[2], given.input.shape[3]] as const) : undefined;
  const plan = planConversion(decoded, inputSize ? { inputSize } : {}, external);
  const { taps, suggested } = listTaps(plan);
  const model = new OnnxGraphModel(plan, external);
  const session = await ort.InferenceSession.create(args.bytes, {
    externalData: [...external].map(([path, data]) => ({ path, data })),
  });
  try {
    const { fixedBatch, channels, height, width } = plan.input;
    const shape = [fixedBatch ?? args.batch ?? 2, channels, height, width];
    const data = randomInput(shape, args.seed ?? 1);
    const mine = converted(model, data, shape);
    const theirs = await runtime(session, data, shape);
    const vsRuntime = plan.outputs.map((output, k) => ({ output, shape: plan.meta.get(output)!.shape.map((d) => (d < 0 ? shape[0] : d)), relError: relError(mine[k], theirs[k]) }));
    let vsExpected: number | null = null;
    let vsRuntimeOnGiven: number | null = null;
    if (given) {
      const [first] = converted(model, given.input.data, given.input.shape);
      const [reference] = await runtime(session, given.input.data, given.input.shape);
      vsRuntimeOnGiven = relError(first, reference);
      if (given.expected) vsExpected = relError(first, given.expected.data);
    }
    const errors = [...vsRuntime.map((r) => r.relError), vsExpected, vsRuntimeOnGiven].filter((e): e is number => e !== null);
    return {
      file: args.file,
      opset: decoded.opset,
      producer: decoded.producer,
      input: { name: plan.input.name, shape },
      ops: opCounts(decoded),
      taps,
      suggested,
      vsRuntime,
      vsExpected,
      vsRuntimeOnGiven,
      // NaN (a mismatch in size or a non-finite output) fails too.
      ok: errors.every((e) => e <= ONNX_CHECK_TOLERANCE),
    };
  } finally {
    model.dispose();
    await session.release();
  }
}

/** The report as the CLI prints it. */
export function formatOnnxCheck(r: OnnxCheckReport): string {
  const e = (x: number) => x.toExponential(2);
  const lines = [
    `${r.file}: opset ${r.opset}${r.producer ? `, from ${r.producer}` : ''}; input "${r.input.name}" [${r.input.shape.join(', ')}]`,
    `ops (${r.ops.reduce((a, [, n]) => a + n, 0)} nodes): ${r.ops.map(([op, n]) => `${op} ${n}`).join(', ')}`,
    `taps (${r.taps.length}; H×W×C, stride):`,
    ...r.taps.map((t) => `  ${t.name === r.suggested ? '*' : ' '} ${t.name}  ${t.shape.join('×')}  /${+t.stride.toFixed(3)}  (${t.op})${t.notTap ? `  not a tap: ${t.notTap}` : ''}`),
    r.suggested ? `  * the default tap` : '  (no inner 4-D value to tap)',
    `vs ONNX Runtime on random inputs [${r.input.shape.join(', ')}]:`,
    ...r.vsRuntime.map((o) => `  ${o.output} [${o.shape.join(', ')}]: max rel. error ${e(o.relError)}`),
  ];
  if (r.vsRuntimeOnGiven !== null) lines.push(`vs ONNX Runtime on the given input: ${e(r.vsRuntimeOnGiven)}`);
  if (r.vsExpected !== null) lines.push(`vs the expected array: ${e(r.vsExpected)}`);
  lines.push(r.ok ? `OK (every error ≤ ${ONNX_CHECK_TOLERANCE})` : `FAILED: an error above ${ONNX_CHECK_TOLERANCE}`);
  return lines.join('\n');
}

/**
 * What the CLI prints for an error that stopped the check, and its exit status: 2 for a refusal
 * (the converter's OnnxError, or a tensor the wasm backend would not allocate), 3 for anything
 * else. One line: the message, not the stack (a rethrown error reaches the wasm module's
 * uncaughtException handler, which prints the module's whole source and exits 7).
 */
export function describeCheckError(err: unknown): { line: string; code: 2 | 3 } {
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 500);
  if (err instanceof OnnxError) return { line: `refused: ${message}`, code: 2 };
  if (err instanceof BackendAllocationError) return { line: `refused by the wasm backend: ${message}`, code: 2 };
  return { line: `error: ${err instanceof Error ? `${err.name}: ` : ''}${message}`, code: 3 };
}
