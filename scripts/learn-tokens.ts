// Learns the receptive tokens shipped with each demo teacher (stage 1 of MasKD) with the
// playground's own engine (EngineSession, as in the training worker), and writes
// <out>/<task>-teacher/tokens.json (the format `loadDemo` reads). On wasm (the default) or cpu it
// runs in Node; on webgpu or webgl it drives the built page's worker in headless Chromium.
//
//   tsx scripts/learn-tokens.ts [--task segmentation|detection|both] [--steps 200] [--batch 8]
//        [--lr 0.01] [--tokens 6] [--dice 1] [--token-weights] [--seed 1] [--backend wasm|cpu|webgpu|webgl]
//        [--out public/models] [--port 4197] [--skip-build] [--allow-fresh]
//
// The teacher is the shipped one: public/models/<task>-teacher in Node, the one the built app
// serves (dist/models, copied from public/models at build time) in the browser. Without one the
// engine would fall back to a fresh, untrained teacher, whose tokens mean nothing: the script
// refuses unless --allow-fresh (for testing the script itself; write such output outside
// public/models with --out). --port and --skip-build apply to webgpu and webgl.
// Reference schedule (Adam lr 0.01, cosine decay; 6 tokens for detection, 8 for segmentation,
// 2000 iterations) scaled to the demo: 6 tokens and a few hundred steps.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Task } from '../src/models/nets';
import type { MaskStageConfig, RunProgress } from '../src/engine/types';
import { Engines, parseBackend } from './script-engine';

const root = fileURLToPath(new URL('..', import.meta.url));
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
    backend: { type: 'string', default: 'wasm' },
    out: { type: 'string', default: join(root, 'public', 'models') },
    port: { type: 'string', default: '4197' },
    'skip-build': { type: 'boolean', default: false },
    'allow-fresh': { type: 'boolean', default: false },
  },
});
const tasks: Task[] = args.task === 'both' ? ['segmentation', 'detection'] : [args.task as Task];
for (const t of tasks) {
  if (t !== 'segmentation' && t !== 'detection') throw new Error(`--task must be segmentation, detection or both; got ${t}`);
}
const backend = parseBackend(args.backend);
const config: MaskStageConfig = {
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

function printProgress(p: RunProgress): void {
  const areas = p.tokenAreas ? `  areas ${p.tokenAreas.map((a) => a.toFixed(2)).join(' ')}` : '';
  const l = p.losses;
  console.log(
    `  step ${p.step}/${p.total}  task ${l.task.toFixed(4)}  dice ${l.dice.toFixed(4)}  total ${l.total.toFixed(4)}  ` +
      `${Math.round(p.msPerStep)} ms/step  tensors ${p.numTensors}${areas}`,
  );
}

const engines = new Engines({ port: Number(args.port), skipBuild: args['skip-build'] });
const summary = [];
try {
  const engine = await engines.on(backend);
  for (const task of tasks) {
    console.log(`[learn-tokens] ${task}: ${JSON.stringify(config)} on ${backend} (${engine.runtime})`);
    const t0 = Date.now();
    const status = await engine.start(backend);
    const demo = await engine.loadDemo(task);
    const shipped = demo.teacher.source.startsWith('builtin:');
    if (!shipped && !args['allow-fresh']) {
      throw new Error(`no shipped ${task} teacher (${demo.warnings.join('; ')}); train it first or pass --allow-fresh`);
    }
    let last: RunProgress | null = null;
    const run = await engine.learnMasks(config, (p) => {
      last = p;
      printProgress(p);
    });
    const file = await engine.exportTokens();
    const final = last as RunProgress | null;
    const meta = {
      ...config,
      stepsDone: run.step,
      backend: status.backend,
      adapter: status.adapter,
      ...(status.wasm ? { wasm: status.wasm } : {}),
      runtime: engine.runtime,
      teacher: shipped ? 'shipped' : 'fresh (untrained; test output only)',
      teacherMetric: demo.teacher.metric ?? null,
      finalLosses: final?.losses ?? null,
      tokenAreas: final?.tokenAreas ?? null,
      wallS: Math.round((Date.now() - t0) / 1000),
      generatedBy: 'MasKD Playground scripts/learn-tokens.ts',
      date: new Date().toISOString(),
    };
    const dir = join(resolve(args.out), `${task}-teacher`);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'tokens.json');
    writeFileSync(path, JSON.stringify({ ...file, meta }) + '\n');
    console.log(`[learn-tokens] ${task}: wrote ${path} after ${run.step} steps in ${meta.wallS} s`);
    // Loss keys get a prefix: the task loss is named `task` too.
    const losses = Object.fromEntries(Object.entries(meta.finalLosses ?? {}).map(([k, v]) => [`${k} loss`, v]));
    summary.push({ task, steps: run.step, ...losses, wallS: meta.wallS, path });
  }
} finally {
  await engines.close();
}
console.table(summary);
