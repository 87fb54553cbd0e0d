// Reproduces the shipped demo teachers with the playground's own teacher trainer (the training
// worker's loop, src/train/digitTeacher.ts) and writes TensorFlow.js model files under
// <out>/<task>-teacher/. On wasm (the default) or cpu it runs in Node; on webgpu or webgl it
// drives the built page's worker in headless Chromium. Runs in chunks and writes a checkpoint
// (weights, Adam state, metric history) after each, so `--resume` continues a run exactly where it
// stopped, on any backend.
//
//   tsx scripts/train-teachers.ts [--task segmentation|detection|both] [--steps 600]
//        [--batch 8] [--lr 0.005] [--seed 1] [--chunk 50] [--backend wasm|cpu|webgpu|webgl] [--resume]
//        [--val-count 128] [--out public/models] [--student yes|no|only] [--port 4192] [--skip-build]
//
// --student (default yes) then trains the demo student alone with the teacher's budget (steps,
// batch, lr, seed) and records its validation metric in meta.json as `studentBaseline`: the
// no-distillation reference the teacher must clearly beat. `only` skips teacher training and
// uses the recorded budget of the teacher in --out.
//
// The default backend is wasm in Node: a segmentation teacher step at batch 8 takes ~135 ms there,
// ~10 s on Node's cpu backend, 3–5 s on webgl or webgpu with a software adapter (no GPU). On a
// machine with a GPU pass --backend webgpu. --port and --skip-build apply to webgpu and webgl.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Task } from '../src/models/nets';
import type { BackendStatus } from '../src/backends/init';
import type { NamedArray, RunProgress } from '../src/engine/types';
import { Engines, parseBackend, type ScriptEngine, type TeacherRun } from './script-engine';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    task: { type: 'string', default: 'both' },
    steps: { type: 'string', default: '600' },
    batch: { type: 'string', default: '8' },
    lr: { type: 'string', default: '0.005' },
    seed: { type: 'string', default: '1' },
    chunk: { type: 'string', default: '50' },
    backend: { type: 'string', default: 'wasm' },
    'val-count': { type: 'string', default: '128' },
    out: { type: 'string', default: join(root, 'public', 'models') },
    resume: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    port: { type: 'string', default: '4192' },
    student: { type: 'string', default: 'yes' },
  },
});
const tasks: Task[] = args.task === 'both' ? ['segmentation', 'detection'] : [args.task as Task];
for (const t of tasks) {
  if (t !== 'segmentation' && t !== 'detection') throw new Error(`--task must be segmentation, detection or both; got ${t}`);
}
if (!['yes', 'no', 'only'].includes(args.student)) throw new Error(`--student must be yes, no or only; got ${args.student}`);
const backend = parseBackend(args.backend);
const VAL_SEED = 20230501;

/** What meta.json records of a run (and of its student baseline). */
interface Meta {
  task: Task;
  steps: number;
  batchSize: number;
  lr: number;
  seed: number;
  step: number;
  backend: string;
  adapter: BackendStatus['adapter'];
  wasm?: BackendStatus['wasm'];
  runtime: string;
  metricName: string;
  metric: number;
  valSeed: number;
  valCount: number;
  history: { step: number; metric: number; elapsedS: number }[];
  date: string;
  studentBaseline?: Record<string, unknown>;
}

interface Checkpoint {
  meta: Meta;
  run: Pick<TeacherRun, 'artifacts' | 'optimizer'>;
}

const modelDir = (task: Task) => join(resolve(args.out), `${task}-teacher`);

/** Adam's slots as JSON: name, shape and the float32 bytes in base64. */
const optimizerToJson = (optimizer: readonly NamedArray[]) =>
  optimizer.map((o) => ({ name: o.name, shape: o.shape, data: Buffer.from(o.data.buffer, o.data.byteOffset, o.data.byteLength).toString('base64') }));

function optimizerFromJson(json: { name: string; shape: number[]; data: string }[]): NamedArray[] {
  return json.map((o) => {
    const b = Buffer.from(o.data, 'base64');
    return { name: o.name, shape: o.shape, data: new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) };
  });
}

function writeCheckpoint(task: Task, run: TeacherRun, meta: Meta): void {
  const dir = modelDir(task);
  mkdirSync(dir, { recursive: true });
  const { modelTopology, weightSpecs, weightData } = run.artifacts;
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weightData));
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'MasKD Playground scripts/train-teachers.ts',
    convertedBy: null,
    modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
  writeFileSync(join(dir, 'optimizer.json'), JSON.stringify(optimizerToJson(run.optimizer)));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
}

function readCheckpoint(task: Task): Checkpoint | null {
  const dir = modelDir(task);
  if (!existsSync(join(dir, 'meta.json'))) return null;
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const weights = readFileSync(join(dir, 'weights.bin'));
  return {
    meta: JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')),
    run: {
      artifacts: {
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest[0].weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
      },
      optimizer: optimizerFromJson(JSON.parse(readFileSync(join(dir, 'optimizer.json'), 'utf8'))),
    },
  };
}

function printProgress(p: RunProgress): void {
  const metric = p.metric ? `  val ${p.metric.name} ${p.metric.value.toFixed(4)}` : '';
  console.log(`  step ${p.step}/${p.total}  loss ${p.losses.task.toFixed(4)}  ${Math.round(p.msPerStep)} ms/step  tensors ${p.numTensors}${metric}`);
}

/** Trains the student alone with the teacher's recorded budget; records the result in meta.json. */
async function studentBaseline(engine: ScriptEngine, task: Task, ckpt: Checkpoint) {
  const { steps, batchSize, lr, seed, valCount, valSeed, metricName } = ckpt.meta;
  console.log(`[train-teachers] ${task}: student alone, ${steps} steps × batch ${batchSize}, lr ${lr}, backend ${backend}`);
  const t0 = Date.now();
  await engine.start(backend);
  const r = await engine.trainTeacher({ task, model: 'student', steps, batchSize, lr, seed, evalEvery: Number(args.chunk), valCount, valSeed }, printProgress);
  const studentBaseline = { steps: r.step, metricName, metric: r.metric, backend, runtime: engine.runtime, wallS: Math.round((Date.now() - t0) / 1000), date: new Date().toISOString() };
  writeFileSync(join(modelDir(task), 'meta.json'), JSON.stringify({ ...ckpt.meta, studentBaseline }, null, 2) + '\n');
  console.log(`[train-teachers] ${task}: student alone reached ${metricName} ${r.metric.toFixed(4)} vs teacher ${ckpt.meta.metric.toFixed(4)}`);
  return { task: `${task} (student alone)`, step: r.step, metricName, metric: r.metric };
}

const engines = new Engines({ port: Number(args.port), skipBuild: args['skip-build'] });
const summary = [];
try {
  const engine = await engines.on(backend);
  for (const task of tasks) {
    const total = Number(args.steps);
    const base = { task, steps: total, batchSize: Number(args.batch), lr: Number(args.lr), seed: Number(args.seed) };
    let ckpt = args.resume || args.student === 'only' ? readCheckpoint(task) : null;
    if (args.student === 'only') {
      if (!ckpt) throw new Error(`${task}: --student only needs a trained teacher in ${modelDir(task)}`);
      summary.push(await studentBaseline(engine, task, ckpt));
      continue;
    }
    if (ckpt && ckpt.meta.steps !== total) throw new Error(`${task}: checkpoint was for ${ckpt.meta.steps} steps, not ${total}`);
    let step = ckpt?.meta.step ?? 0;
    const history = ckpt?.meta.history ?? [];
    const t0 = Date.now();
    console.log(`[train-teachers] ${task}: ${step}/${total} steps done, backend ${backend} (${engine.runtime}), writing to ${modelDir(task)}`);
    const status = await engine.start(backend);
    while (step < total) {
      const untilStep = Math.min(step + Number(args.chunk), total);
      const result = await engine.trainTeacher(
        {
          ...base,
          evalEvery: Number(args.chunk),
          valCount: Number(args['val-count']),
          valSeed: VAL_SEED,
          startStep: step,
          untilStep,
          initial: ckpt?.run.artifacts,
          optimizer: ckpt?.run.optimizer,
        },
        printProgress,
      );
      step = result.step;
      history.push({ step, metric: result.metric, elapsedS: Math.round((Date.now() - t0) / 1000) });
      const meta: Meta = {
        ...base,
        step,
        backend: status.backend,
        adapter: status.adapter,
        ...(status.wasm ? { wasm: status.wasm } : {}),
        runtime: engine.runtime,
        metricName: task === 'segmentation' ? 'mIoU' : 'AP@0.5',
        metric: result.metric,
        valSeed: VAL_SEED,
        valCount: Number(args['val-count']),
        history,
        date: new Date().toISOString(),
      };
      writeCheckpoint(task, result, meta);
      ckpt = { meta, run: result };
      console.log(`[train-teachers] ${task}: checkpoint at step ${step}, val ${meta.metricName} ${result.metric.toFixed(4)}`);
    }
    if (!ckpt) throw new Error(`${task}: nothing to train (--steps ${total})`);
    summary.push({ task, step, metricName: ckpt.meta.metricName, metric: ckpt.meta.metric });
    if (args.student === 'yes') summary.push(await studentBaseline(engine, task, ckpt));
  }
} finally {
  await engines.close();
}
console.log(JSON.stringify(summary, null, 2));
