// Where a stage-2 step's time goes on the wasm backend in Node (as src/backends/wasm/node.ts sets
// it up: the SIMD build, single-threaded — Node has no wasm threads here; the page's Auto backend
// runs the threaded SIMD build with 2 threads, so absolute times differ, the split mostly not).
// For each demo (the shipped teacher and its shipped tokens, a fresh seeded student, batch 8, the
// page's stage-2 defaults) it times, as medians over --reps repetitions:
//   phases: scene generation of a batch, the batch's upload (makeBatch), the teacher's forward
//   (+ the receptive masks), the student's forward+backward with each method's loss, each
//   method's loss alone (forward), the optimiser update, a whole Distiller.trainStep per method,
//   the evaluation on --val validation scenes, the mask snapshot (teacher + student masks on the
//   previews);
//   kernels: one 'none' step and one 'maskd' step under tf.profile, kernels by total ms.
//
//   tsx scripts/profile-step.ts [--tasks segmentation,detection] [--reps 5] [--val 64] [--top 15]
//                               [--methods none,fitnet,cwd,maskd] [--steps-only] [--json <file>]
//
// --steps-only times only whole trainSteps of the methods. --ab <dir> compares with <dir>, a
// checkout of another commit (`git archive <commit> src scripts public/models | tar -x -C <dir>`,
// with node_modules and public/data linked): both trees' steps interleaved in one process
// (--reps × --rounds each), medians and their ratios.
// --engine <steps> runs the page's whole comparison (the engine the worker runs, in Node: every
// method, its evaluations every 50 steps on --val scenes, the mask snapshots, the checkpoints,
// the test scores) at <steps> per method and prints its wall time; --ab-engine <dir> runs that
// in both trees, alternating processes --rounds times, and checks the rows' metrics agree. --fingerprint <steps>
// instead trains each method that many steps and prints its losses, a SHA-256 of the student's
// and the align module's weights and the validation metric; --ab first compares the two trees'
// fingerprints (a speed-up must leave them bit-identical).
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import type { MethodName } from '../src/maskd/methods';

const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string', default: 'segmentation,detection' },
    methods: { type: 'string', default: 'none,fitnet,cwd,maskd' },
    reps: { type: 'string', default: '5' },
    val: { type: 'string', default: '64' },
    top: { type: 'string', default: '15' },
    'steps-only': { type: 'boolean', default: false },
    json: { type: 'string' },
    ab: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    fingerprint: { type: 'string' },
    engine: { type: 'string' },
    'ab-engine': { type: 'string' },
    steps: { type: 'string' },
  },
});

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

type Timings = Record<string, Record<string, number[]>>;

if (args.ab) {
  await abCompare(args.ab);
} else if (args['ab-engine']) {
  await abEngine(args['ab-engine']);
} else if (args.engine) {
  await engineCompare(Number(args.engine));
} else {
  await profile();
}

async function profile(): Promise<void> {
  const { useWasmBackend: startWasmBackend } = await import('../src/backends/wasm/node');
  const { loadDigitsNode } = await import('../src/data/digitsNode');
  const { createMethod } = await import('../src/maskd/methods');
  const { ReceptiveTokens, TokenWeightBranch, receptiveMasks } = await import('../src/maskd/index');
  const { buildStudent, TAP_LAYER } = await import('../src/models/nets');
  const { splitAtLayer } = await import('../src/models/split');
  const { buildAlign } = await import('../src/models/align');
  const { disposeModel } = await import('../src/models/disposeModel');
  const { defaultDistillSettings } = await import('../src/state/setupSlice');
  const { demoSource } = await import('../src/train/demo');
  const { Distiller } = await import('../src/train/distillStage');
  const { loadShippedTeacher, teacherDir } = await import('../src/train/shippedTeacherNode');
  const { reseedKernels } = await import('../src/train/seededInit');
  const { maskSnapshot } = await import('../src/train/snapshot');
  const { taskAdapter } = await import('../src/train/tasks');

  await startWasmBackend();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  process.stderr.write(`backend ${tf.getBackend()}, SIMD ${simd}, threads ${threads} (Node: single-threaded), node ${process.version}\n`);
  const pools = loadDigitsNode();
  const reps = Number(args.reps);
  const valCount = Number(args.val);
  const methods = list(args.methods) as (MethodName)[];
  const tasks = list(args.tasks) as ('segmentation' | 'detection')[];
  const out: { phases: Timings; kernels: Record<string, unknown>; fingerprints: Record<string, unknown>; env: Record<string, unknown> } = {
    phases: {},
    fingerprints: {},
    kernels: {},
    env: { backend: tf.getBackend(), simd, threads, node: process.version },
  };
  const SEED = 1;
  const BATCH = 8;

  for (const task of tasks) {
    const settings = defaultDistillSettings(task);
    const teacher = await loadShippedTeacher(task);
    const teacherSplit = splitAtLayer(teacher, TAP_LAYER);
    const file = JSON.parse(readFileSync(`${teacherDir(task)}tokens.json`, 'utf8'));
    const tokens = ReceptiveTokens.deserialize(file.tokens);
    const branch = file.branch ? TokenWeightBranch.deserialize(file.branch) : null;
    const source = demoSource(pools, task, 64);
    const adapter = taskAdapter(task);
    const val = source.valSet(valCount);
    const previews = source.previews();
    const t: Record<string, number[]> = {};
    out.phases[task] = t;
    const record = (name: string, ms: number) => (t[name] ??= []).push(ms);
    const time = async (name: string, f: () => unknown) => {
      const t0 = performance.now();
      await f();
      record(name, performance.now() - t0);
    };

    const makeDistiller = (method: MethodName) => {
      const student = buildStudent(task);
      reseedKernels(student, SEED);
      const studentTap = splitAtLayer(student, TAP_LAYER).tapShape;
      const tt = teacherSplit.tapShape;
      const align = buildAlign([studentTap[0], studentTap[1], studentTap[2]], [tt[0], tt[1], tt[2]]);
      reseedKernels(align, SEED + 1);
      const distiller = new Distiller({
        teacher: teacherSplit,
        student,
        align,
        adapter,
        method: createMethod(method, settings.params[method] as never),
        scenes: (k) => source.trainBatch(SEED, k, BATCH),
        steps: settings.steps,
        lr: settings.lr,
        tokens,
        branch,
      });
      return { student, distiller, dispose: () => (distiller.dispose(), disposeModel(student)) };
    };

    // Whole steps, methods in turn each repetition (one warm-up step first).
    const runs = methods.map((m) => ({ m, ...makeDistiller(m) }));
    if (args.fingerprint) {
      const { createHash } = await import('node:crypto');
      const prints: Record<string, unknown> = {};
      for (const r of runs) {
        const losses: number[][] = [];
        for (let i = 0; i < Number(args.fingerprint); i++) {
          const rep = await r.distiller.trainStep();
          losses.push([rep.losses.task, rep.losses.distill, rep.losses.total]);
        }
        const hash = createHash('sha256');
        for (const w of [...r.student.weights, ...r.distiller.align.weights]) hash.update(new Uint8Array((await w.read().data()).buffer));
        const metric = await r.distiller.score(val);
        // The student's raw outputs on the validation images (inference path), bit for bit.
        const { imagesTensor } = await import('../src/data/batches');
        const images = imagesTensor(val);
        const logits = r.student.predict(images) as tf.Tensor;
        const outputs = createHash('sha256').update(new Uint8Array((await logits.data()).buffer)).digest('hex');
        tf.dispose([images, logits]);
        prints[r.m] = { losses, weights: hash.digest('hex'), outputs, metric: metric.primary };
      }
      out.fingerprints[task] = prints;
      for (const r of runs) r.dispose();
      tokens.dispose();
      branch?.dispose();
      disposeModel(teacher);
      continue;
    }
    for (const r of runs) await r.distiller.trainStep();
    for (let i = 0; i < reps; i++) {
      for (const r of runs) await time(`step ${r.m}`, () => r.distiller.trainStep());
    }

    if (!args['steps-only']) {
      const d = runs[0];
      const studentSplit = splitAtLayer(d.student, TAP_LAYER);
      for (let i = 0; i < reps; i++) {
        let scenes: readonly ReturnType<typeof source.trainBatch>[number][] = [];
        await time('scenes (generate 8)', () => (scenes = source.trainBatch(SEED, 100 + i, BATCH)));
        let batch!: ReturnType<typeof adapter.makeBatch>;
        await time('batch upload', () => (batch = adapter.makeBatch(scenes)));
        let feature!: tf.Tensor4D;
        await time('teacher forward', () => {
          feature = teacherSplit.backbone.apply(batch.images, { training: false }) as tf.Tensor4D;
          return feature.data();
        });
        let masks!: tf.Tensor4D;
        await time('teacher masks (+branch)', () => {
          masks = receptiveMasks(feature, tokens.tensor);
          const w = branch ? branch.apply(feature) : null;
          return Promise.all([masks.data(), w?.data()]).finally(() => w?.dispose());
        });
        await time('student forward (inference)', () => {
          const y = tf.tidy(() => studentSplit.head.apply(studentSplit.backbone.apply(batch.images, { training: true }), { training: true }) as tf.Tensor);
          return y.data().finally(() => y.dispose());
        });
        for (const m of methods) {
          const method = createMethod(m, settings.params[m] as never);
          const variables = [...d.student.trainableWeights, ...d.distiller.align.trainableWeights].map((w) => w.read() as tf.Variable);
          const lossOf = () => {
            const f = studentSplit.backbone.apply(batch.images, { training: true }) as tf.Tensor4D;
            const o = studentSplit.head.apply(f, { training: true }) as tf.Tensor;
            const a = d.distiller.align.apply(f, { training: true }) as tf.Tensor4D;
            const distill = method.loss({ student: a, teacher: feature, masks, tokens: tokens.tensor, step: 0, totalSteps: settings.steps });
            return { total: tf.add(batch.loss(o), distill) as tf.Scalar, aligned: a, distill };
          };
          if (i === 0) tf.tidy(() => lossOf()); // warm-up
          // The method's loss alone, on a fixed aligned student feature.
          const fixed = tf.tidy(() => tf.keep(lossOf().aligned));
          await time(`loss ${m} (forward)`, () => {
            const l = method.loss({ student: fixed, teacher: feature, masks, tokens: tokens.tensor, step: 0, totalSteps: settings.steps });
            return l.data().finally(() => l.dispose());
          });
          fixed.dispose();
          let grads: tf.NamedTensorMap = {};
          await time(`student fwd+bwd ${m}`, () => {
            const r = tf.variableGrads(() => lossOf().total, variables);
            r.value.dispose();
            grads = r.grads;
            return Object.values(grads)[0].data();
          });
          if (m === methods[0]) {
            await time('optimizer update', () => {
              d.distiller.optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
              return (variables[variables.length - 1] as tf.Tensor).data();
            });
          }
          tf.dispose(Object.values(grads));
        }
        tf.dispose([feature, masks]);
        batch.dispose();
        await time(`evaluate (${valCount} val scenes)`, () => d.distiller.evaluate(val));
        const maskd = runs.find((r) => r.m === 'maskd') ?? d;
        await time('mask snapshot', () =>
          maskSnapshot(teacherSplit.backbone, tokens, branch, previews, 0, 'distill', {
            task,
            student: { backbone: maskd.distiller.studentBackbone, align: maskd.distiller.align, customMask: false },
          }),
        );
      }
      // Kernels of 'none' and 'maskd' steps: per kernel name, the median over --reps profiled
      // steps of its total in the step (a machine shared with other work preempts single calls).
      // Names ending in __op are tf.customGrad wrappers (fusedConv2d__op, logSoftmax__op): their
      // time includes the kernels they run, so they are listed apart and not in the step's sum.
      for (const r of runs.filter((x) => x.m === 'none' || x.m === 'maskd')) {
        const perStep: Map<string, { calls: number; ms: number }>[] = [];
        let calls = 0;
        let longest: { name: string; ms: number; inputShapes: number[][] }[] = [];
        for (let i = 0; i < reps; i++) {
          const info = await tf.profile(async () => {
            await r.distiller.trainStep();
            return [];
          });
          calls = info.kernels.length;
          const totals = new Map<string, { calls: number; ms: number }>();
          for (const k of info.kernels) {
            const e = totals.get(k.name) ?? { calls: 0, ms: 0 };
            e.calls++;
            e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
            totals.set(k.name, e);
          }
          perStep.push(totals);
          if (i === 0) {
            longest = info.kernels
              .filter((k) => !k.name.endsWith('__op'))
              .map((k) => ({ name: k.name, ms: k.kernelTimeMs as number, inputShapes: k.inputShapes as number[][] }))
              .sort((a, b) => b.ms - a.ms)
              .slice(0, 8);
          }
        }
        const names = new Set(perStep.flatMap((m) => [...m.keys()]));
        const sorted = [...names]
          .map((name) => ({ name, calls: perStep[0].get(name)?.calls ?? 0, ms: median(perStep.map((m) => m.get(name)?.ms ?? 0)) }))
          .sort((a, b) => b.ms - a.ms);
        const own = sorted.filter((k) => !k.name.endsWith('__op'));
        const stepSums = perStep.map((m) => [...m.entries()].filter(([n]) => !n.endsWith('__op')).reduce((a, [, e]) => a + e.ms, 0));
        out.kernels[`${task} ${r.m}`] = { calls, totalMs: median(stepSums), top: own, wrappers: sorted.filter((k) => k.name.endsWith('__op')), longest };
      }
    }
    for (const r of runs) r.dispose();
    tokens.dispose();
    branch?.dispose();
    disposeModel(teacher);
  }

  if (args.json) writeFileSync(args.json, JSON.stringify(out, null, 1));
  if (args.fingerprint) {
    console.log(JSON.stringify(out.fingerprints, null, 1));
    return;
  }
  printPhases(out.phases);
  const top = Number(args.top);
  type KernelRow = { name: string; calls: number; ms: number };
  for (const [name, k] of Object.entries(out.kernels) as [string, { calls: number; totalMs: number; top: KernelRow[]; wrappers: KernelRow[]; longest: { name: string; ms: number; inputShapes: number[][] }[] }][]) {
    console.log(`\n### Kernels of one ${name} step (${k.calls} kernel calls, median of ${reps} steps: ${k.totalMs.toFixed(1)} ms in kernels)\n`);
    console.log('| kernel | calls | total ms | share |\n|---|---:|---:|---:|');
    for (const e of k.top.slice(0, top)) console.log(`| ${e.name} | ${e.calls} | ${e.ms.toFixed(2)} | ${((100 * e.ms) / k.totalMs).toFixed(1)}% |`);
    console.log(`\nWrappers (time includes their kernels): ${k.wrappers.map((e) => `${e.name} ×${e.calls} ${e.ms.toFixed(2)} ms`).join(', ')}`);
    console.log('Longest calls (first profiled step): ' + k.longest.map((c) => `${c.name} ${c.ms.toFixed(2)} ms ${JSON.stringify(c.inputShapes)}`).join('; '));
  }
}

function printPhases(phases: Timings): void {
  for (const [task, t] of Object.entries(phases)) {
    console.log(`\n### ${task}, batch 8: median ms over ${Object.values(t)[0]?.length ?? 0} repetitions\n`);
    console.log('| phase | median ms | min | max |\n|---|---:|---:|---:|');
    for (const [name, xs] of Object.entries(t)) console.log(`| ${name} | ${median(xs).toFixed(1)} | ${Math.min(...xs).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`);
  }
}

/**
 * Before/after in one process, step by step: `other` is a checkout of the commit to compare with
 * (its src/). Its Distiller and wasm training kernels are loaded beside this tree's; each
 * repetition runs one step of each method with the other tree's kernels and Distiller, then one
 * with this tree's, so the machine's changing load falls on both alike. First both trees'
 * fingerprints (separate processes) must be identical.
 */
async function abCompare(other: string): Promise<void> {
  const here = new URL('..', import.meta.url).pathname;
  copyFileSync(new URL(import.meta.url).pathname, join(other, 'scripts/profile-step.ts'));
  const prints: Record<string, string> = {};
  for (const [label, dir] of [['before', other], ['after', here]]) {
    const file = join('/tmp', `profile-step-print-${label}-${process.pid}.json`);
    const res = spawnSync('npx', ['tsx', 'scripts/profile-step.ts', '--fingerprint', '3', '--val', '16', '--tasks', args.tasks, '--methods', args.methods, '--json', file], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (res.status !== 0) throw new Error(`${label} fingerprint failed (${res.status})`);
    prints[label] = JSON.stringify((JSON.parse(readFileSync(file, 'utf8')) as { fingerprints: unknown }).fingerprints);
  }
  console.log(
    prints.before === prints.after
      ? 'Fingerprints (3 steps per method: losses, weights, validation outputs and metric): identical before and after.'
      : `Fingerprints DIFFER:\nbefore ${prints.before}\nafter  ${prints.after}`,
  );

  // Both trees' kernel sets: the backend's own, then each tree's registration on top of them.
  await import('@tensorflow/tfjs-backend-wasm');
  const own = new Map(tf.getKernelsForBackend('wasm').map((k) => [k.kernelName, k]));
  const kernelSet = async (root: string) => {
    for (const k of tf.getKernelsForBackend('wasm')) tf.unregisterKernel(k.kernelName, 'wasm');
    for (const k of own.values()) tf.registerKernel(k);
    const { registerWasmTrainingKernels } = (await import(join(root, 'src/backends/wasm/register.ts'))) as typeof import('../src/backends/wasm/register');
    registerWasmTrainingKernels();
    return new Map(tf.getKernelsForBackend('wasm').map((k) => [k.kernelName, k]));
  };
  const before = await kernelSet(other);
  const after = await kernelSet(here);
  const names = new Set([...before.keys(), ...after.keys()]);
  const install = (set: Map<string, tf.KernelConfig>) => {
    for (const name of names) {
      if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
      const k = set.get(name);
      if (k) tf.registerKernel(k);
    }
  };
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');

  const { loadDigitsNode } = await import('../src/data/digitsNode');
  const { createMethod } = await import('../src/maskd/methods');
  const { ReceptiveTokens, TokenWeightBranch } = await import('../src/maskd/index');
  const { buildStudent, TAP_LAYER } = await import('../src/models/nets');
  const { splitAtLayer } = await import('../src/models/split');
  const { buildAlign } = await import('../src/models/align');
  const { defaultDistillSettings } = await import('../src/state/setupSlice');
  const { demoSource } = await import('../src/train/demo');
  const { loadShippedTeacher, teacherDir } = await import('../src/train/shippedTeacherNode');
  const { reseedKernels } = await import('../src/train/seededInit');
  const { taskAdapter } = await import('../src/train/tasks');
  const Distillers = {
    before: ((await import(join(other, 'src/train/distillStage.ts'))) as typeof import('../src/train/distillStage')).Distiller,
    after: ((await import('../src/train/distillStage')).Distiller),
  };
  const pools = loadDigitsNode();
  const reps = Number(args.reps) * Number(args.rounds);
  const methods = list(args.methods) as MethodName[];
  const all: Record<'before' | 'after', Timings> = { before: {}, after: {} };
  for (const task of list(args.tasks) as ('segmentation' | 'detection')[]) {
    const settings = defaultDistillSettings(task);
    const teacher = await loadShippedTeacher(task);
    const teacherSplit = splitAtLayer(teacher, TAP_LAYER);
    const file = JSON.parse(readFileSync(`${teacherDir(task)}tokens.json`, 'utf8'));
    const tokens = ReceptiveTokens.deserialize(file.tokens);
    const branch = file.branch ? TokenWeightBranch.deserialize(file.branch) : null;
    const source = demoSource(pools, task, 64);
    const runs = (['before', 'after'] as const).flatMap((version) =>
      methods.map((m) => {
        const student = buildStudent(task);
        reseedKernels(student, 1);
        const st = splitAtLayer(student, TAP_LAYER).tapShape;
        const tt = teacherSplit.tapShape;
        const align = buildAlign([st[0], st[1], st[2]], [tt[0], tt[1], tt[2]]);
        reseedKernels(align, 2);
        const distiller = new Distillers[version]({
          teacher: teacherSplit,
          student,
          align,
          adapter: taskAdapter(task),
          method: createMethod(m, settings.params[m] as never),
          scenes: (k) => source.trainBatch(1, k, 8),
          steps: settings.steps,
          lr: settings.lr,
          tokens,
          branch,
        });
        return { version, m, distiller, student };
      }),
    );
    for (let i = -1; i < reps; i++) {
      for (const r of runs) {
        install(r.version === 'before' ? before : after);
        const t0 = performance.now();
        await r.distiller.trainStep();
        if (i >= 0) ((all[r.version][task] ??= {})[`step ${r.m}`] ??= []).push(performance.now() - t0);
      }
    }
    for (const r of runs) {
      r.distiller.dispose();
      r.student.dispose();
    }
    tokens.dispose();
    branch?.dispose();
    teacher.dispose();
  }
  console.log(`\n${reps} interleaved steps each (after one warm-up), median ms, wasm in Node (SIMD, 1 thread):\n`);
  console.log('| demo | step | before ms | after ms | after/before |\n|---|---|---:|---:|---:|');
  for (const [task, t] of Object.entries(all.after)) {
    for (const [name, xs] of Object.entries(t)) {
      const b = median(all.before[task]?.[name] ?? []);
      const a = median(xs);
      console.log(`| ${task} | ${name} | ${b.toFixed(1)} | ${a.toFixed(1)} | ${(a / b).toFixed(2)} |`);
    }
  }
  if (args.json) writeFileSync(args.json, JSON.stringify(all, null, 1));
}

interface EngineResult {
  readonly wallS: Record<string, number>;
  readonly rows: Record<string, { method: string; metric: number; msPerStep: number }[]>;
}

/** The page's Compare methods (default methods and settings, `steps` per method) on each demo, through the engine. */
async function engineCompare(steps: number): Promise<void> {
  const { localEngine } = await import('../src/train/localEngine');
  const { defaultDistillSettings } = await import('../src/state/setupSlice');
  const { METHOD_NAMES } = await import('../src/maskd/methods');
  const out: EngineResult = { wallS: {}, rows: {} };
  for (const task of list(args.tasks) as ('segmentation' | 'detection')[]) {
    const engine = localEngine();
    await engine.init('', ['wasm']);
    await engine.loadDemo(task);
    const d = defaultDistillSettings(task);
    const t0 = performance.now();
    const rows = await engine.compare(METHOD_NAMES, { steps, batchSize: d.batchSize, lr: d.lr, seed: 1, evalEvery: d.evalEvery, valCount: Number(args.val), params: d.params });
    out.wallS[task] = (performance.now() - t0) / 1000;
    out.rows[task] = rows.map((r) => ({ method: r.method, metric: r.metric, msPerStep: r.msPerStep }));
    engine.terminate();
    process.stderr.write(`${task}: ${out.wallS[task].toFixed(1)} s for ${METHOD_NAMES.length} × ${steps} steps\n`);
  }
  if (args.json) writeFileSync(args.json, JSON.stringify(out, null, 1));
  console.log(JSON.stringify(out, null, 1));
}

/** --engine in this tree and in `other`, alternating processes; medians of the wall times, and the metrics compared. */
async function abEngine(other: string): Promise<void> {
  const here = new URL('..', import.meta.url).pathname;
  copyFileSync(new URL(import.meta.url).pathname, join(other, 'scripts/profile-step.ts'));
  const steps = args.steps ?? '100';
  const results: Record<'before' | 'after', EngineResult[]> = { before: [], after: [] };
  for (let r = 0; r < Number(args.rounds); r++) {
    for (const [label, dir] of (r % 2 ? [['after', here], ['before', other]] : [['before', other], ['after', here]]) as ['before' | 'after', string][]) {
      const file = join('/tmp', `profile-step-engine-${label}-${process.pid}.json`);
      const res = spawnSync('npx', ['tsx', 'scripts/profile-step.ts', '--engine', steps, '--tasks', args.tasks, '--val', args.val, '--json', file], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
      if (res.status !== 0) throw new Error(`${label} engine run failed (${res.status})`);
      results[label].push(JSON.parse(readFileSync(file, 'utf8')) as EngineResult);
    }
  }
  const metrics = (x: EngineResult) => JSON.stringify(Object.fromEntries(Object.entries(x.rows).map(([t, rows]) => [t, rows.map((row) => [row.method, row.metric])])));
  const all = [...results.before, ...results.after].map(metrics);
  console.log(all.every((m) => m === all[0]) ? `Test metrics of every row identical in all ${all.length} runs: ${all[0]}` : `Test metrics DIFFER: ${all.join('\n')}`);
  console.log(`\n${args.rounds} alternating runs each, the page's comparison (4 methods × ${steps} steps, evaluation every 50 on ${args.val} scenes), wall s, median:\n`);
  console.log('| demo | before s | after s | after/before | before ms/step (rows) | after ms/step (rows) |\n|---|---:|---:|---:|---|---|');
  for (const task of Object.keys(results.after[0].wallS)) {
    const b = median(results.before.map((x) => x.wallS[task]));
    const a = median(results.after.map((x) => x.wallS[task]));
    const per = (xs: EngineResult[]) => xs[0].rows[task].map((row, i) => `${row.method} ${Math.round(median(xs.map((x) => x.rows[task][i].msPerStep)))}`).join(', ');
    console.log(`| ${task} | ${b.toFixed(1)} | ${a.toFixed(1)} | ${(a / b).toFixed(2)} | ${per(results.before)} | ${per(results.after)} |`);
  }
}
