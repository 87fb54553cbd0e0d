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
// --steps-only times only whole trainSteps of the methods (for before/after runs: see
// --ab <dir>, which alternates this script in this tree and in <dir>, a checkout of another
// commit, process by process, and prints the medians and their ratios).
import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
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
  const { readFileSync } = await import('node:fs');

  await startWasmBackend();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  process.stderr.write(`backend ${tf.getBackend()}, SIMD ${simd}, threads ${threads} (Node: single-threaded), node ${process.version}\n`);
  const pools = loadDigitsNode();
  const reps = Number(args.reps);
  const valCount = Number(args.val);
  const methods = list(args.methods) as (MethodName)[];
  const tasks = list(args.tasks) as ('segmentation' | 'detection')[];
  const out: { phases: Timings; kernels: Record<string, unknown>; env: Record<string, unknown> } = {
    phases: {},
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
      // Kernels of one step of 'none' and one of 'maskd'.
      for (const r of runs.filter((x) => x.m === 'none' || x.m === 'maskd')) {
        const info = await tf.profile(async () => {
          await r.distiller.trainStep();
          return [];
        });
        const totals = new Map<string, { calls: number; ms: number }>();
        for (const k of info.kernels) {
          const e = totals.get(k.name) ?? { calls: 0, ms: 0 };
          e.calls++;
          e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
          totals.set(k.name, e);
        }
        const sorted = [...totals.entries()].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms);
        const longest = info.kernels
          .map((k) => ({ name: k.name, ms: k.kernelTimeMs as number, inputShapes: k.inputShapes, outputShapes: k.outputShapes }))
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 8);
        out.kernels[`${task} ${r.m}`] = { calls: info.kernels.length, totalMs: sorted.reduce((a, k) => a + k.ms, 0), top: sorted, longest };
      }
    }
    for (const r of runs) r.dispose();
    tokens.dispose();
    branch?.dispose();
    disposeModel(teacher);
  }

  if (args.json) writeFileSync(args.json, JSON.stringify(out, null, 1));
  printPhases(out.phases);
  const top = Number(args.top);
  for (const [name, k] of Object.entries(out.kernels) as [string, { calls: number; totalMs: number; top: { name: string; calls: number; ms: number }[]; longest: { name: string; ms: number; inputShapes: number[][] }[] }][]) {
    console.log(`\n### Kernels of one ${name} step (${k.calls} kernel calls, ${k.totalMs.toFixed(1)} ms in kernels)\n`);
    console.log('| kernel | calls | total ms | share |\n|---|---:|---:|---:|');
    for (const e of k.top.slice(0, top)) console.log(`| ${e.name} | ${e.calls} | ${e.ms.toFixed(2)} | ${((100 * e.ms) / k.totalMs).toFixed(1)}% |`);
    console.log('\nLongest calls: ' + k.longest.map((c) => `${c.name} ${c.ms.toFixed(2)} ms ${JSON.stringify(c.inputShapes)}`).join('; '));
  }
}

function printPhases(phases: Timings): void {
  for (const [task, t] of Object.entries(phases)) {
    console.log(`\n### ${task}, batch 8: median ms over ${Object.values(t)[0]?.length ?? 0} repetitions\n`);
    console.log('| phase | median ms | min | max |\n|---|---:|---:|---:|');
    for (const [name, xs] of Object.entries(t)) console.log(`| ${name} | ${median(xs).toFixed(1)} | ${Math.min(...xs).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`);
  }
}

/** Alternates --steps-only runs of this script here and in `other` (a checkout), and prints medians and ratios. */
async function abCompare(other: string): Promise<void> {
  const here = new URL('..', import.meta.url).pathname;
  copyFileSync(new URL(import.meta.url).pathname, join(other, 'scripts/profile-step.ts'));
  const rounds = Number(args.rounds);
  const all: Record<'before' | 'after', Timings> = { before: {}, after: {} };
  for (let r = 0; r < rounds; r++) {
    for (const [label, dir] of (r % 2 ? [['after', here], ['before', other]] : [['before', other], ['after', here]]) as ['before' | 'after', string][]) {
      const file = join('/tmp', `profile-step-${label}-${process.pid}.json`);
      const res = spawnSync(
        'npx',
        ['tsx', 'scripts/profile-step.ts', '--steps-only', '--tasks', args.tasks, '--methods', args.methods, '--reps', args.reps, '--json', file],
        { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      if (res.status !== 0) throw new Error(`${label} run failed (${res.status})`);
      const phases = (JSON.parse((await import('node:fs')).readFileSync(file, 'utf8')) as { phases: Timings }).phases;
      for (const [task, t] of Object.entries(phases)) {
        for (const [name, xs] of Object.entries(t)) ((all[label][task] ??= {})[name] ??= []).push(...xs);
      }
      process.stderr.write(`round ${r + 1}/${rounds} ${label} done\n`);
    }
  }
  console.log('\n| demo | step | before ms | after ms | after/before |\n|---|---|---:|---:|---:|');
  for (const [task, t] of Object.entries(all.after)) {
    for (const [name, xs] of Object.entries(t)) {
      const b = median(all.before[task]?.[name] ?? []);
      const a = median(xs);
      console.log(`| ${task} | ${name} | ${b.toFixed(1)} | ${a.toFixed(1)} | ${(a / b).toFixed(2)} |`);
    }
  }
  if (args.json) writeFileSync(args.json, JSON.stringify(all, null, 1));
}
