import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { diceDiversityFused, maskedDistillLossFused, receptiveMasksFused } from '../../src/maskd/kernels/fused';
import * as ops from '../../src/maskd/ops';
import type { Shape } from './compare';
import { maskedDistillLossReduced } from './reducedComposed';

export type PipelineVariant = 'naive' | 'composed' | 'reduced' | 'fused';
export type DiceVariant = 'composed' | 'fused';

type Loss = (feat: Tensor4D, student: Tensor4D, tokens: Tensor2D) => Scalar;

/** masks from tokens on the teacher feature, then the masked distillation loss. */
const PIPELINES: Record<PipelineVariant, Loss> = {
  naive: (f, s, tok) => ops.maskedDistillLossNaive(s, f, ops.receptiveMasks(f, tok)),
  composed: (f, s, tok) => ops.maskedDistillLoss(s, f, ops.receptiveMasks(f, tok)),
  reduced: (f, s, tok) => maskedDistillLossReduced(s, f, ops.receptiveMasks(f, tok)),
  fused: (f, s, tok) => maskedDistillLossFused(s, f, receptiveMasksFused(f, tok), 1e-5),
};

/** Submits what tfjs has recorded so far, so onSubmittedWorkDone covers it (no readback). */
async function finish(): Promise<void> {
  const b = tf.backend() as WebGPUBackend;
  b.ensureCommandEncoderReady();
  b.endComputePassEncoder();
  b.submitQueue();
  await b.queue.onSubmittedWorkDone();
}

async function timeMs(run: () => Tensor[]): Promise<number> {
  await finish();
  const t0 = performance.now();
  const out = run();
  await finish();
  const ms = performance.now() - t0;
  tf.dispose(out);
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export interface BenchResult {
  medianMs: Record<string, number>;
  samplesMs: Record<string, number[]>;
  /** Variants too slow to repeat: one sample, the first run. */
  firstRunOnly: string[];
}

/**
 * Interleaves the variants each round so that load from other processes hits all alike. A
 * variant whose warm-up run takes long gets fewer timed runs (at least 3) within `budgetMs`.
 */
async function interleave(
  variants: string[],
  runs: Record<string, () => Tensor[]>,
  warmup: number,
  iterations: number,
  budgetMs = 60_000,
): Promise<BenchResult> {
  const samples: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v, []]));
  const planned: Record<string, number> = Object.fromEntries(variants.map((v) => [v, iterations]));
  const warmupOnly: string[] = [];
  for (let w = 0; w < warmup; w++) {
    for (const v of variants) {
      if (warmupOnly.includes(v)) continue;
      const ms = await timeMs(runs[v]);
      if (ms > budgetMs) {
        // Minutes per run (the naive form): its first run is its only sample; pipeline
        // compilation (well under a second) is then inside the figure.
        warmupOnly.push(v);
        planned[v] = 0;
        samples[v].push(ms);
      } else {
        planned[v] = Math.max(3, Math.min(iterations, Math.floor(budgetMs / ms)));
      }
      console.log(`bench warm-up ${v}: ${ms.toFixed(0)} ms, ${planned[v]} timed runs`);
    }
  }
  for (let i = 0; i < iterations; i++) {
    for (const v of variants) {
      if (i < planned[v]) samples[v].push(await timeMs(runs[v]));
    }
  }
  const medianMs = Object.fromEntries(variants.map((v) => [v, median(samples[v])]));
  return { medianMs, samplesMs: samples, firstRunOnly: warmupOnly };
}

/** Forward+backward of masks + loss: grads wrt teacher feature, student feature and tokens. */
export async function benchPipeline(s: Shape, variants: PipelineVariant[], warmup: number, iterations: number): Promise<BenchResult> {
  const feat = tf.randomUniform([s.n, s.h, s.w, s.c], -1, 1, 'float32', 1) as Tensor4D;
  const student = tf.randomUniform([s.n, s.h, s.w, s.c], -1, 1, 'float32', 2) as Tensor4D;
  const k = 2 / Math.sqrt(s.c);
  const tokens = tf.randomUniform([s.t, s.c], -k, k, 'float32', 3) as Tensor2D;
  const runs = Object.fromEntries(
    variants.map((v) => {
      const loss = PIPELINES[v];
      const f = (a: Tensor, b: Tensor, c: Tensor): Scalar => loss(a as Tensor4D, b as Tensor4D, c as Tensor2D);
      return [v, () => tf.grads(f)([feat, student, tokens])];
    }),
  );
  try {
    return await interleave(variants, runs, warmup, iterations);
  } finally {
    tf.dispose([feat, student, tokens]);
  }
}

/** Forward+backward of the Dice diversity on random masks. */
export async function benchDice(s: Shape, variants: DiceVariant[], warmup: number, iterations: number): Promise<BenchResult> {
  const masks = tf.randomUniform([s.n, s.h, s.w, s.t], 0, 1, 'float32', 4) as Tensor4D;
  const fns: Record<DiceVariant, (m: Tensor) => Scalar> = {
    composed: (m) => ops.diceDiversity(m as Tensor4D),
    fused: (m) => diceDiversityFused(m as Tensor4D),
  };
  const runs = Object.fromEntries(variants.map((v) => [v, () => [tf.grad(fns[v])(masks)]]));
  try {
    return await interleave(variants, runs, warmup, iterations);
  } finally {
    masks.dispose();
  }
}

/** What the benchmark reports about the adapter. */
export async function adapterInfo(): Promise<Record<string, string>> {
  const adapter = await navigator.gpu?.requestAdapter();
  const info = adapter?.info;
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    userAgent: navigator.userAgent,
  };
}
