// Probing an untrusted .onnx, as the throwaway probe worker does before the engine may load it:
// decode and size it (wire scan, then protobuf), plan the conversion (every value's shape, the
// activation cap), build its weights (external data read and checked) and run it once on zeros,
// then free everything. Throws OnnxError for anything the user's file causes. Each phase is timed
// (npm run bench:onnx prints them).
import * as tf from '@tensorflow/tfjs';
import { type PlanOptions, planConversion } from './convert/plan';
import { decodeOnnx } from './decode';
import { OnnxError } from './errors';
import { OnnxGraphModel } from './onnxModel';
import type { ExternalFiles } from './tensorData';

export type OnnxProbePhase = 'decode' | 'plan' | 'build' | 'run';

export interface OnnxProbeResult {
  /** Milliseconds per phase. */
  readonly ms: Readonly<Record<OnnxProbePhase, number>>;
  readonly nodes: number;
  readonly params: number;
}

export async function probeOnnx(
  bytes: Uint8Array,
  file: string,
  external: ExternalFiles = new Map(),
  options: PlanOptions = {},
  onPhase: (phase: OnnxProbePhase) => void = () => {},
): Promise<OnnxProbeResult> {
  const ms: Record<OnnxProbePhase, number> = { decode: 0, plan: 0, build: 0, run: 0 };
  let t = performance.now();
  const lap = (phase: OnnxProbePhase) => {
    const now = performance.now();
    ms[phase] = now - t;
    t = now;
  };
  onPhase('decode');
  const decoded = decodeOnnx(bytes, file);
  lap('decode');
  onPhase('plan');
  const plan = planConversion(decoded, options, external);
  lap('plan');
  onPhase('build');
  const before = tf.memory().numTensors;
  const model = new OnnxGraphModel(plan, external);
  lap('build');
  onPhase('run');
  try {
    const { channels, height, width } = plan.input;
    const outs = tf.tidy(() => model.run(tf.zeros([1, height, width, channels])));
    try {
      for (const o of outs) {
        const values = await o.data();
        if (values.some((v) => !Number.isFinite(v))) throw new OnnxError(`${file}: output gives non-finite values on a test input of zeros`);
      }
    } finally {
      tf.dispose(outs);
    }
  } catch (err) {
    if (err instanceof OnnxError) throw err;
    throw new OnnxError(`${file}: failed on a test input [1, ${plan.input.channels}, ${plan.input.height}, ${plan.input.width}]: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    model.dispose();
  }
  lap('run');
  if (tf.memory().numTensors !== before) throw new Error(`probeOnnx leaked ${tf.memory().numTensors - before} tensors`);
  let params = 0;
  for (const p of plan.params.values()) params += p.tensor.dims.reduce((a, b) => a * b, 1);
  return { ms, nodes: decoded.graph.nodes.length, params };
}
