#!/usr/bin/env node
// Reproduces the shipped demo teachers by driving the playground's own in-browser trainer
// (the training worker) in headless Chromium, and writes TensorFlow.js model files under
// public/models/<task>-teacher/. Runs in chunks and writes a checkpoint (weights, Adam state,
// metric history) after each, so `--resume` continues a run exactly where it stopped.
//
//   node scripts/train-teachers.mjs [--task segmentation|detection|both] [--steps 600]
//        [--batch 8] [--lr 0.005] [--seed 1] [--chunk 50] [--backend webgl] [--resume]
//        [--val-count 128] [--port 4192] [--skip-build] [--student yes|no|only]
//
// --student (default yes) then trains the demo student alone with the teacher's budget (steps,
// batch, lr, seed) and records its validation metric in meta.json as `studentBaseline`: the
// no-distillation reference the teacher must clearly beat. `only` skips teacher training and
// uses the shipped teacher's recorded budget.
//
// The default backend is webgl: on the software WebGPU adapter (no GPU) one segmentation
// teacher step at batch 16 took 32.9 s on webgpu and 13.3 s on webgl, mostly in BatchNorm's
// reductions; on a machine with a GPU pass --backend webgpu.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openAppPage } from './app-session.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    task: { type: 'string', default: 'both' },
    steps: { type: 'string', default: '600' },
    batch: { type: 'string', default: '8' },
    lr: { type: 'string', default: '0.005' },
    seed: { type: 'string', default: '1' },
    chunk: { type: 'string', default: '50' },
    backend: { type: 'string', default: 'webgl' },
    'val-count': { type: 'string', default: '128' },
    resume: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    port: { type: 'string', default: '4192' },
    student: { type: 'string', default: 'yes' },
  },
});
const tasks = args.task === 'both' ? ['segmentation', 'detection'] : [args.task];
if (!['yes', 'no', 'only'].includes(args.student)) throw new Error(`--student must be yes, no or only; got ${args.student}`);
const VAL_SEED = 20230501;

const modelDir = (task) => join(root, 'public', 'models', `${task}-teacher`);

function writeCheckpoint(task, result, meta) {
  const dir = modelDir(task);
  mkdirSync(dir, { recursive: true });
  const { modelTopology, weightSpecs, weightData } = result.artifacts;
  writeFileSync(join(dir, 'weights.bin'), Buffer.from(weightData, 'base64'));
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'MasKD Playground scripts/train-teachers.mjs',
    convertedBy: null,
    modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
  writeFileSync(join(dir, 'optimizer.json'), JSON.stringify(result.optimizer));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
}

function readCheckpoint(task) {
  const dir = modelDir(task);
  if (!existsSync(join(dir, 'meta.json'))) return null;
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  return {
    meta: JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')),
    artifacts: {
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: readFileSync(join(dir, 'weights.bin')).toString('base64'),
    },
    optimizer: JSON.parse(readFileSync(join(dir, 'optimizer.json'), 'utf8')),
  };
}

const { page, close } = await openAppPage({ build: args['skip-build'] ? 'never' : 'always', port: Number(args.port) });
await page.exposeFunction('__trainProgress', (p) => {
  const metric = p.metric ? `  val ${p.metric.name} ${p.metric.value.toFixed(4)}` : '';
  console.log(`  step ${p.step}/${p.total}  loss ${p.loss.toFixed(4)}  ${Math.round(p.msPerStep)} ms/step  tensors ${p.numTensors}${metric}`);
});

/** Trains the student alone with the teacher's recorded budget; records the result in meta.json. */
async function studentBaseline(task, ckpt) {
  const { steps, batchSize, lr, seed, valCount, valSeed, metricName } = ckpt.meta;
  console.log(`[train-teachers] ${task}: student alone, ${steps} steps × batch ${batchSize}, lr ${lr}, backend ${args.backend}`);
  const t0 = Date.now();
  const r = await page.evaluate(
    async ({ req, backend }) => {
      const engine = window.maskd.engine();
      await engine.init(window.maskd.dataUrl, [backend]);
      const { metric, step } = await engine.trainTeacher(req, (p) => window.__trainProgress(p));
      return { metric, step };
    },
    {
      req: { task, model: 'student', steps, batchSize, lr, seed, evalEvery: Number(args.chunk), valCount, valSeed },
      backend: args.backend,
    },
  );
  const studentBaseline = { steps: r.step, metricName, metric: r.metric, backend: args.backend, wallS: Math.round((Date.now() - t0) / 1000), date: new Date().toISOString() };
  writeFileSync(join(modelDir(task), 'meta.json'), JSON.stringify({ ...ckpt.meta, studentBaseline }, null, 2) + '\n');
  console.log(`[train-teachers] ${task}: student alone reached ${metricName} ${r.metric.toFixed(4)} vs teacher ${ckpt.meta.metric.toFixed(4)}`);
  return { task: `${task} (student alone)`, step: r.step, metricName, metric: r.metric };
}

const summary = [];
try {
  for (const task of tasks) {
    const total = Number(args.steps);
    const base = { task, steps: total, batchSize: Number(args.batch), lr: Number(args.lr), seed: Number(args.seed) };
    let ckpt = args.resume || args.student === 'only' ? readCheckpoint(task) : null;
    if (args.student === 'only') {
      if (!ckpt) throw new Error(`${task}: --student only needs a trained teacher in ${modelDir(task)}`);
      summary.push(await studentBaseline(task, ckpt));
      continue;
    }
    if (ckpt && ckpt.meta.steps !== total) throw new Error(`${task}: checkpoint was for ${ckpt.meta.steps} steps, not ${total}`);
    let step = ckpt?.meta.step ?? 0;
    const history = ckpt?.meta.history ?? [];
    const t0 = Date.now();
    console.log(`[train-teachers] ${task}: ${step}/${total} steps done, backend ${args.backend}`);
    while (step < total) {
      const untilStep = Math.min(step + Number(args.chunk), total);
      const result = await page.evaluate(
        async ({ req, backend, ckpt }) => {
          const b64ToBuf = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)).buffer;
          const engine = window.maskd.engine();
          const status = await engine.init(window.maskd.dataUrl, [backend]);
          const initial = ckpt ? { ...ckpt.artifacts, weightData: b64ToBuf(ckpt.artifacts.weightData) } : undefined;
          const optimizer = ckpt ? ckpt.optimizer.map((o) => ({ ...o, data: new Float32Array(b64ToBuf(o.data)) })) : undefined;
          const r = await engine.trainTeacher({ ...req, initial, optimizer }, (p) => window.__trainProgress(p));
          const toB64 = (bytes) => {
            let bin = '';
            for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
            return btoa(bin);
          };
          return {
            status,
            step: r.step,
            metric: r.metric,
            artifacts: { ...r.artifacts, weightData: toB64(new Uint8Array(r.artifacts.weightData)) },
            optimizer: r.optimizer.map((o) => ({ name: o.name, shape: o.shape, data: toB64(new Uint8Array(o.data.buffer)) })),
          };
        },
        {
          req: { ...base, evalEvery: Number(args.chunk), valCount: Number(args['val-count']), valSeed: VAL_SEED, startStep: step, untilStep },
          backend: args.backend,
          ckpt,
        },
      );
      step = result.step;
      history.push({ step, metric: result.metric, elapsedS: Math.round((Date.now() - t0) / 1000) });
      const meta = {
        ...base,
        step,
        backend: result.status.backend,
        adapter: result.status.adapter,
        metricName: task === 'segmentation' ? 'mIoU' : 'AP@0.5',
        metric: result.metric,
        valSeed: VAL_SEED,
        valCount: Number(args['val-count']),
        history,
        date: new Date().toISOString(),
      };
      writeCheckpoint(task, result, meta);
      ckpt = { meta, artifacts: result.artifacts, optimizer: result.optimizer };
      console.log(`[train-teachers] ${task}: checkpoint at step ${step}, val ${meta.metricName} ${result.metric.toFixed(4)}`);
    }
    summary.push({ task, step, metricName: ckpt.meta.metricName, metric: ckpt.meta.metric });
    if (args.student === 'yes') summary.push(await studentBaseline(task, ckpt));
  }
} finally {
  await close();
}
console.log(JSON.stringify(summary, null, 2));
