// Reproduces the shipped demo teachers with the playground's own teacher trainer (the engine's
// 'trainTeacher' run: src/train/teacherRun.ts with src/train/supervisedTrainer.ts) and writes
// TensorFlow.js model files under <out>/<task>-teacher/. On wasm (the default) or cpu it runs in
// Node; on webgpu or webgl it drives the built page's worker in headless Chromium. Runs in chunks
// and writes a checkpoint (weights, Adam state, metric history) after each, so `--resume`
// continues a run exactly where it stopped, on any backend.
//
//   tsx scripts/train-teachers.ts [--task segmentation|detection|both] [--steps N] [--batch N]
//        [--lr X] [--seed 1] [--chunk 250] [--backend wasm|cpu|webgpu|webgl] [--resume]
//        [--val-count 256] [--test-count 1024] [--out public/models] [--student yes|no|only] [--rescore]
//        [--port 4192] [--skip-build]
//
// Without --steps/--batch/--lr each task gets its recipe (RECIPES below: the shipped teachers'
// runs). The schedule is the trainer's: linear warm-up over the first SUPERVISED_WARMUP of the
// steps, then cosine to 0. The data has three splits with disjoint digits (public/data/digits.bin):
// batches come from the training digits; the metric after each chunk is on `--val-count`
// validation scenes (VAL_SEED), the only numbers a schedule or a checkpoint is chosen by; at the
// end the teacher is also scored on `--test-count` test scenes (TEST_SEED), the reported number.
// meta.json records the recipe, the net, the splits, both metrics, the wall time and a small
// validation subset (`browserCheck`) that e2e/teachers.spec.ts re-scores in the browser.
//
// --rescore only scores the trained teacher in --out again (test and browser-check scenes, cost)
// and rewrites its meta.json: for a changed metric, decode or --test-count.
//
// --student (default yes) then trains the demo student alone with the teacher's budget (steps,
// batch, lr, seed) and records its validation and test metrics in meta.json as
// `studentBaseline`: the no-distillation reference the teacher must clearly beat. `only` skips
// teacher training and uses the recorded budget of the teacher in --out.
//
// The default backend is wasm in Node: a teacher step at batch 16 takes ~250 ms there on a quiet
// core (2× that on this project's shared 2 cores), several seconds on webgl or webgpu with a
// software adapter (no GPU). On a machine with a GPU pass --backend webgpu. --port and
// --skip-build apply to webgpu and webgl.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { useWasmBackend as startWasmBackend } from '../src/backends/wasm/node';
import { DEFAULT_DECODE } from '../src/data/centernet';
import { loadDigitsNode } from '../src/data/digitsNode';
import { modelCost } from '../src/models/flops';
import { STUDENT_SIZES, TEACHER_SIZES, type Task } from '../src/models/nets';
import { SEG_FOREGROUND_WEIGHT } from '../src/models/losses';
import { TEST_SEED } from '../src/train/dataSource';
import { SUPERVISED_WARMUP, SUPERVISED_WEIGHT_DECAY } from '../src/train/supervisedTrainer';
import { evaluateOnDigits } from '../src/train/teacherEval';
import '../src/models/resizeLayer';
import type { BackendStatus } from '../src/backends/init';
import type { NamedArray } from '../src/engine/artifacts';
import type { RunProgress } from '../src/engine/progress';
import { Engines, isPageBackend, parseBackend, type ScriptEngine, type TeacherRun } from './script-engine';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    task: { type: 'string', default: 'both' },
    steps: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string', default: '1' },
    chunk: { type: 'string', default: '250' },
    backend: { type: 'string', default: 'wasm' },
    'val-count': { type: 'string', default: '256' },
    'test-count': { type: 'string', default: '1024' },
    out: { type: 'string', default: join(root, 'public', 'models') },
    resume: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    port: { type: 'string', default: '4192' },
    student: { type: 'string', default: 'yes' },
    rescore: { type: 'boolean', default: false },
  },
});
const tasks: Task[] = args.task === 'both' ? ['segmentation', 'detection'] : [args.task as Task];
for (const t of tasks) {
  if (t !== 'segmentation' && t !== 'detection') throw new Error(`--task must be segmentation, detection or both; got ${t}`);
}
if (!['yes', 'no', 'only'].includes(args.student)) throw new Error(`--student must be yes, no or only; got ${args.student}`);
const backend = parseBackend(args.backend);
const VAL_SEED = 20230501;
/** Validation scenes e2e/teachers.spec.ts re-scores on webgpu (the first of the VAL_SEED stream). */
const BROWSER_CHECK_COUNT = 32;

/** The shipped teachers' runs (docs/experiments.md, "The built-in demos": why these). */
const RECIPES: Readonly<Record<Task, { steps: number; batchSize: number; lr: number }>> = {
  segmentation: { steps: 8000, batchSize: 32, lr: 0.01 },
  detection: { steps: 3000, batchSize: 16, lr: 0.003 },
};

const LOSSES: Readonly<Record<Task, string>> = {
  segmentation: `pixel cross-entropy, digit pixels weighted ${SEG_FOREGROUND_WEIGHT}×`,
  detection: 'CenterNet: focal loss on the centre heatmaps (α 2, β 4) + 0.1 × L1 size + 1 × L1 offset',
};

/** The digit pools' sizes, from public/data/digits.json. */
function digitSplit(): Record<string, unknown> {
  const man = JSON.parse(readFileSync(join(root, 'public', 'data', 'digits.json'), 'utf8')) as Record<string, { count: number; perClass: number; sourceIndices: string }>;
  return Object.fromEntries(['train', 'val', 'test'].map((k) => [k, man[k]]));
}

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
  /** Seconds of teacher training so far (all chunks, resumed ones included). */
  wallS: number;
  recipe?: Record<string, unknown>;
  net?: Record<string, unknown>;
  split?: Record<string, unknown>;
  /** The final teacher on the test scenes (reported numbers only). */
  test?: { seed: number; count: number; metric: number; extra: Readonly<Record<string, number>> };
  /** The final teacher on the first BROWSER_CHECK_COUNT validation scenes, evaluated in Node (e2e/teachers.spec.ts). */
  browserCheck?: { seed: number; count: number; metric: number; backend: string };
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

/** Where the script scores a trained net: this process's backend (wasm or cpu), or wasm in Node when training ran in the page. */
async function evalBackend(): Promise<string> {
  if (isPageBackend(backend) || !['wasm', 'cpu'].includes(tf.getBackend())) await startWasmBackend();
  return tf.getBackend();
}

const pools = loadDigitsNode();

/** Validation, test and browser-check metrics of trained weights. */
async function score(task: Task, artifacts: TeacherRun['artifacts'], valCount: number, testCount: number) {
  const evalOn = await evalBackend();
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs as tf.io.WeightsManifestEntry[], weightData: artifacts.weightData }),
  );
  try {
    const val = await evaluateOnDigits(model, task, pools, 'val', valCount, VAL_SEED);
    const test = await evaluateOnDigits(model, task, pools, 'test', testCount, TEST_SEED);
    const check = await evaluateOnDigits(model, task, pools, 'val', BROWSER_CHECK_COUNT, VAL_SEED);
    const cost = modelCost(model);
    return {
      val,
      test: { seed: TEST_SEED, count: testCount, metric: test.primary, extra: test.extra },
      browserCheck: { seed: VAL_SEED, count: BROWSER_CHECK_COUNT, metric: check.primary, backend: evalOn },
      cost: { params: cost.params, mflops: Math.round(cost.flops / 1e4) / 100 },
    };
  } finally {
    model.dispose();
  }
}

/** Trains the student alone with the teacher's recorded budget; records the result in meta.json. */
async function studentBaseline(engine: ScriptEngine, task: Task, ckpt: Checkpoint) {
  const { steps, batchSize, lr, seed, valCount, valSeed, metricName } = ckpt.meta;
  const testCount = ckpt.meta.test?.count ?? Number(args['test-count']);
  console.log(`[train-teachers] ${task}: student alone, ${steps} steps × batch ${batchSize}, lr ${lr}, backend ${backend}`);
  const t0 = Date.now();
  await engine.start(backend);
  const r = await engine.trainTeacher({ task, model: 'student', steps, batchSize, lr, seed, evalEvery: Number(args.chunk), valCount, valSeed }, printProgress);
  const wallS = Math.round((Date.now() - t0) / 1000);
  const s = await score(task, r.artifacts, valCount, testCount);
  const studentBaseline = {
    steps: r.step,
    net: { ...s.cost, sizes: STUDENT_SIZES[task] },
    metricName,
    metric: r.metric,
    test: s.test,
    backend,
    runtime: engine.runtime,
    wallS,
    date: new Date().toISOString(),
  };
  writeFileSync(join(modelDir(task), 'meta.json'), JSON.stringify({ ...ckpt.meta, studentBaseline }, null, 2) + '\n');
  console.log(
    `[train-teachers] ${task}: student alone reached ${metricName} val ${r.metric.toFixed(4)} test ${s.test.metric.toFixed(4)} ` +
      `vs teacher val ${ckpt.meta.metric.toFixed(4)} test ${ckpt.meta.test?.metric.toFixed(4)} (${wallS} s)`,
  );
  return { task: `${task} (student alone)`, step: r.step, metricName, metric: r.metric, test: s.test.metric };
}

/** Scores trained weights into `meta`: test and browser-check scenes, cost (validation stays the run's own last metric). */
async function scoreInto(task: Task, meta: Meta, artifacts: TeacherRun['artifacts']): Promise<void> {
  const s = await score(task, artifacts, meta.valCount, Number(args['test-count']));
  // Rescoring keeps the sizes the stored net was built with (TEACHER_SIZES may have changed since).
  const sizes = meta.net ? meta.net.sizes : TEACHER_SIZES[task];
  meta.net = { ...s.cost, ...(sizes ? { sizes } : {}) };
  meta.test = s.test;
  meta.browserCheck = s.browserCheck;
  if (meta.split) meta.split = { ...meta.split, testSeed: s.test.seed, testCount: s.test.count };
  console.log(`[train-teachers] ${task}: final val ${meta.metricName} ${s.val.primary.toFixed(4)}, test ${s.test.metric.toFixed(4)} (${s.test.count} scenes), ${s.cost.mflops} MFLOPs`);
}

const engines = new Engines({ port: Number(args.port), skipBuild: args['skip-build'] });
const summary = [];
try {
  const engine = await engines.on(backend);
  for (const task of tasks) {
    const recipe = RECIPES[task];
    const total = args.steps === undefined ? recipe.steps : Number(args.steps);
    const batchSize = args.batch === undefined ? recipe.batchSize : Number(args.batch);
    const lr = args.lr === undefined ? recipe.lr : Number(args.lr);
    const base = { task, steps: total, batchSize, lr, seed: Number(args.seed) };
    let ckpt = args.resume || args.student === 'only' || args.rescore ? readCheckpoint(task) : null;
    if (args.rescore) {
      if (!ckpt) throw new Error(`${task}: --rescore needs a trained teacher in ${modelDir(task)}`);
      await scoreInto(task, ckpt.meta, ckpt.run.artifacts);
      writeFileSync(join(modelDir(task), 'meta.json'), JSON.stringify(ckpt.meta, null, 2) + '\n');
      summary.push({ task, step: ckpt.meta.step, metricName: ckpt.meta.metricName, metric: ckpt.meta.metric, test: ckpt.meta.test?.metric });
      continue;
    }
    if (args.student === 'only') {
      if (!ckpt) throw new Error(`${task}: --student only needs a trained teacher in ${modelDir(task)}`);
      summary.push(await studentBaseline(engine, task, ckpt));
      continue;
    }
    if (ckpt && ckpt.meta.steps !== total) throw new Error(`${task}: checkpoint was for ${ckpt.meta.steps} steps, not ${total}`);
    let step = ckpt?.meta.step ?? 0;
    const history = ckpt?.meta.history ?? [];
    const wallBefore = ckpt?.meta.wallS ?? 0;
    const t0 = Date.now();
    console.log(`[train-teachers] ${task}: ${step}/${total} steps done, backend ${backend} (${engine.runtime}), writing to ${modelDir(task)}`);
    const status = await engine.start(backend);
    while (step < total) {
      const untilStep = Math.min(step + Number(args.chunk), total);
      // The in-process engine answers a run before it lets go of the session; give it that turn
      // (otherwise the next chunk is refused as "another run is in progress").
      await new Promise((r) => setTimeout(r, 0));
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
      const wallS = wallBefore + Math.round((Date.now() - t0) / 1000);
      history.push({ step, metric: result.metric, elapsedS: wallS });
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
        wallS,
        recipe: {
          optimizer: 'Adam',
          lr,
          batchSize,
          steps: total,
          schedule: `linear warm-up over the first ${SUPERVISED_WARMUP * 100}% of the steps, then cosine to 0`,
          warmup: SUPERVISED_WARMUP,
          weightDecay: SUPERVISED_WEIGHT_DECAY,
          loss: LOSSES[task],
          ...(task === 'detection' ? { decode: { topK: DEFAULT_DECODE.topK, threshold: DEFAULT_DECODE.threshold } } : {}),
          trainSeed: base.seed,
          initSeed: base.seed,
        },
        split: { digits: digitSplit(), trainScenes: `stream ${base.seed} of the training digits, batch k = scenes [k·${batchSize}, (k+1)·${batchSize})`, valSeed: VAL_SEED, valCount: Number(args['val-count']), testSeed: TEST_SEED, testCount: Number(args['test-count']) },
      };
      if (step === total) await scoreInto(task, meta, result.artifacts);
      writeCheckpoint(task, result, meta);
      ckpt = { meta, run: result };
      console.log(`[train-teachers] ${task}: checkpoint at step ${step}, val ${meta.metricName} ${result.metric.toFixed(4)}`);
    }
    if (!ckpt) throw new Error(`${task}: nothing to train (--steps ${total})`);
    summary.push({ task, step, metricName: ckpt.meta.metricName, metric: ckpt.meta.metric, test: ckpt.meta.test?.metric });
    if (args.student === 'yes') summary.push(await studentBaseline(engine, task, ckpt));
  }
} finally {
  await engines.close();
}
console.log(JSON.stringify(summary, null, 2));
