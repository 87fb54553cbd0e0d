#!/usr/bin/env node
// Learns the receptive tokens shipped with each demo teacher (stage 1 of MasKD) by driving the
// playground's own training worker in headless Chromium, and writes
// <out>/<task>-teacher/tokens.json (the format `loadDemo` reads).
//
//   node scripts/learn-tokens.mjs [--task segmentation|detection|both] [--steps 200] [--batch 8]
//        [--lr 0.01] [--tokens 6] [--dice 1] [--token-weights] [--seed 1] [--backend webgl]
//        [--out public/models] [--port 4197] [--skip-build] [--allow-fresh]
//
// The teacher is the one the built app serves (dist/models/<task>-teacher, copied from
// public/models at build time). Without one the page would fall back to a fresh, untrained
// teacher, whose tokens mean nothing: the script refuses unless --allow-fresh (for testing the
// script itself; write such output outside public/models with --out).
// Reference schedule (Adam lr 0.01, cosine decay; 6 tokens for detection, 8 for segmentation,
// 2000 iterations) scaled to the demo: 6 tokens and a few hundred steps.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openAppPage } from './app-session.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    task: { type: 'string', default: 'both' },
    steps: { type: 'string', default: '200' },
    batch: { type: 'string', default: '8' },
    lr: { type: 'string', default: '0.01' },
    tokens: { type: 'string', default: '6' },
    dice: { type: 'string', default: '1' },
    'token-weights': { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'webgl' },
    out: { type: 'string', default: join(root, 'public', 'models') },
    port: { type: 'string', default: '4197' },
    'skip-build': { type: 'boolean', default: false },
    'allow-fresh': { type: 'boolean', default: false },
  },
});
const tasks = args.task === 'both' ? ['segmentation', 'detection'] : [args.task];
for (const t of tasks) {
  if (t !== 'segmentation' && t !== 'detection') throw new Error(`--task must be segmentation, detection or both; got ${t}`);
}
const config = {
  numTokens: Number(args.tokens),
  steps: Number(args.steps),
  batchSize: Number(args.batch),
  lr: Number(args.lr),
  diceWeight: Number(args.dice),
  tokenWeights: args['token-weights'],
  seed: Number(args.seed),
};
for (const [k, v] of Object.entries(config)) {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`--${k}: not a number`);
}

const { page, close } = await openAppPage({ build: args['skip-build'] ? 'never' : 'always', port: Number(args.port) });
await page.exposeFunction('__tokensProgress', (p) => {
  const areas = p.tokenAreas ? `  areas ${p.tokenAreas.map((a) => a.toFixed(2)).join(' ')}` : '';
  const l = p.losses;
  console.log(
    `  step ${p.step}/${p.total}  task ${l.task.toFixed(4)}  dice ${l.dice.toFixed(4)}  total ${l.total.toFixed(4)}  ` +
      `${Math.round(p.msPerStep)} ms/step  tensors ${p.numTensors}${areas}`,
  );
});
await page.exposeFunction('__tokensWarning', (m) => console.warn(`  [engine warning] ${m}`));

const summary = [];
try {
  for (const task of tasks) {
    console.log(`[learn-tokens] ${task}: ${JSON.stringify(config)} on ${args.backend}`);
    const t0 = Date.now();
    const result = await page.evaluate(
      async ({ task, config, backend, allowFresh }) => {
        // A fresh engine of our own (the page's UI starts the shared one on load).
        window.maskd.engine().terminate();
        const engine = window.maskd.engine();
        engine.onWarning = (m) => window.__tokensWarning(m);
        const status = await engine.init(window.maskd.dataUrl, [backend]);
        const demo = await engine.loadDemo(task);
        const shipped = demo.teacher.source.startsWith('builtin:');
        if (!shipped && !allowFresh) {
          throw new Error(`no shipped ${task} teacher in the built app (${demo.warnings.join('; ')}); train it first or pass --allow-fresh`);
        }
        let last = null;
        const run = await engine.learnMasks(config, {
          onProgress: (p) => {
            last = p;
            window.__tokensProgress(p);
          },
        });
        const file = await engine.exportTokens();
        return { file, run, last, shipped, backend: status.backend, adapter: status.adapter, teacherMetric: demo.teacher.metric ?? null };
      },
      { task, config, backend: args.backend, allowFresh: args['allow-fresh'] },
    );
    const meta = {
      ...config,
      stepsDone: result.run.step,
      backend: result.backend,
      adapter: result.adapter,
      teacher: result.shipped ? 'shipped' : 'fresh (untrained; test output only)',
      teacherMetric: result.teacherMetric,
      finalLosses: result.last?.losses ?? null,
      tokenAreas: result.last?.tokenAreas ?? null,
      wallS: Math.round((Date.now() - t0) / 1000),
      generatedBy: 'MasKD Playground scripts/learn-tokens.mjs',
      date: new Date().toISOString(),
    };
    const dir = join(resolve(args.out), `${task}-teacher`);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'tokens.json');
    writeFileSync(path, JSON.stringify({ ...result.file, meta }) + '\n');
    console.log(`[learn-tokens] ${task}: wrote ${path} after ${result.run.step} steps in ${meta.wallS} s`);
    summary.push({ task, steps: result.run.step, ...meta.finalLosses, wallS: meta.wallS, path });
  }
} finally {
  await close();
}
console.table(summary);
