// Benchmark of the fused MasKD kernels against composed TensorFlow.js ops, on webgpu in headless
// Chromium (the software SwiftShader adapter unless MASKD_HW_GPU=1).
//   npm run bench:kernels            builds the app, serves it, measures, prints JSON + a table
//   node scripts/bench-kernels.mjs --no-build   reuses dist/ when it has the harness page
// Each figure is the median wall time of forward+backward, timed by submitting the recorded
// GPU work and awaiting queue.onSubmittedWorkDone (no readback), variants interleaved per round.
import { readFileSync } from 'node:fs';
import { openKernelsPage } from './kernels-page.mjs';

/** @typedef {import('../e2e/harness/compare').Shape} Shape */
/** @typedef {import('../e2e/harness/bench').PipelineVariant} PipelineVariant */

/** @type {{ shape: Shape, warmup: number, iterations: number }[]} */
const SHAPES = [
  { shape: { n: 8, h: 32, w: 32, c: 64, t: 6 }, warmup: 2, iterations: 9 },
  { shape: { n: 2, h: 64, w: 64, c: 256, t: 8 }, warmup: 1, iterations: 5 },
];
/** @type {PipelineVariant[]} */
const PIPELINE = ['naive', 'composed', 'reduced', 'fused'];
/** @type {Record<PipelineVariant, string>} */
const LABELS = {
  naive: '(a) naive composed, [N,T,P,C] product',
  composed: '(b) composed ops.ts, batched matMul',
  reduced: "(b') composed, per-pixel Σ_c first",
  fused: '(c) fused WGSL kernels',
};

/** @param {number} ms */
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
/** @param {number} a @param {number} b */
const ratio = (a, b) => `${(a / b).toFixed(1)}×`;
/** @param {Shape} s */
const shapeName = (s) => `N=${s.n} H=W=${s.h}${s.w !== s.h ? `×${s.w}` : ''} C=${s.c} T=${s.t}`;

const rebuild = !process.argv.includes('--no-build');
const session = await openKernelsPage({ rebuild });
try {
  const { page } = session;
  const adapter = await page.evaluate(() => window.maskdKernels.adapterInfo());
  const results = [];
  for (const { shape, warmup, iterations } of SHAPES) {
    process.stderr.write(`measuring ${shapeName(shape)} …\n`);
    const pipeline = await page.evaluate(
      ([s, v, w, i]) => window.maskdKernels.benchPipeline(s, v, w, i),
      /** @type {[Shape, PipelineVariant[], number, number]} */ ([shape, PIPELINE, warmup, iterations]),
    );
    const dice = await page.evaluate(
      ([s, w, i]) => window.maskdKernels.benchDice(s, ['composed', 'fused'], w, i),
      /** @type {[Shape, number, number]} */ ([shape, warmup, iterations]),
    );
    results.push({ shape, warmup, iterations, pipeline, dice });
  }
  const tfjs = JSON.parse(readFileSync(new URL('../node_modules/@tensorflow/tfjs/package.json', import.meta.url), 'utf8')).version;
  const report = {
    date: new Date().toISOString(),
    adapter,
    browser: session.browserVersion,
    tfjs,
    timing: 'median wall ms of forward+backward; flush + queue.onSubmittedWorkDone; variants interleaved',
    results,
  };
  console.log(JSON.stringify(report, null, 2));

  const lines = [];
  lines.push(`Masks from tokens + masked distillation loss, forward+backward (grads wrt teacher feature, student feature, tokens). ` +
    `Median ms, ${report.date.slice(0, 10)}, adapter ${adapter.architecture || adapter.vendor || 'unknown'} ` +
    `(${adapter.description || adapter.vendor}), Chromium ${session.browserVersion}, tfjs ${tfjs}.`);
  lines.push('');
  lines.push(`| shape | ${PIPELINE.map((v) => LABELS[v]).join(' | ')} | best composed / fused | naive / fused |`);
  lines.push(`|---|${PIPELINE.map(() => '---:').join('|')}|---:|---:|`);
  for (const r of results) {
    const m = r.pipeline.medianMs;
    const best = Math.min(m.composed, m.reduced);
    lines.push(`| ${shapeName(r.shape)} | ${PIPELINE.map((v) => fmt(m[v])).join(' | ')} | ${ratio(best, m.fused)} | ${ratio(m.naive, m.fused)} |`);
  }
  lines.push('');
  lines.push('Dice diversity, forward+backward (grad wrt masks), median ms:');
  lines.push('');
  lines.push('| shape | composed | fused | composed / fused |');
  lines.push('|---|---:|---:|---:|');
  for (const r of results) {
    const m = r.dice.medianMs;
    lines.push(`| ${shapeName(r.shape)} | ${fmt(m.composed)} | ${fmt(m.fused)} | ${ratio(m.composed, m.fused)} |`);
  }
  console.log(`\n${lines.join('\n')}`);
} finally {
  await session.close();
}
