// Reproduces the paper's comparison at toy scale: the playground's own engine (as in the training
// worker) distils the shipped teacher into the demo student with none, FitNet, CWD and MasKD, from
// the same student init, data order and budget per seed, with the page's stage-2 defaults. Each
// run reports the final student on the test scenes (disjoint from training and validation); the
// report gives per method the mean with its 95% confidence interval over seeds, and the paired
// differences MasKD − FitNet, MasKD − CWD, MasKD − none, FitNet − none (same seed on both sides).
//
//   tsx scripts/reproduce.ts [--tasks segmentation,detection] [--steps <plateau: 4000 | 3000>] [--seeds 1,2,3,4,5]
//        [--methods none,fitnet,cwd,maskd] [--batch <page default>] [--lr <page default>]
//        [--eval-every <steps/10>] [--val 64] [--test 256] [--backend wasm|cpu|webgpu|webgl]
//        [--student-init pretrained|fresh] [--params '{"fitnet":{"lossWeight":0.3}}'] [--test-draw per-seed|fixed]
//        [--out scripts/results] [--resume] [--merge <dir>] [--report-only] [--port 4198] [--skip-build]
//
// --steps (default: each task's plateau, PLATEAU_STEPS): the budget where the pretrained student
// alone has levelled off, measured in docs/experiments.md ("Where the pretrained student alone
// levels off"), so that distillation is not credited with what a longer schedule would give.
// --student-init (default pretrained): every method's student starts from the shipped pretrained
// backbone (public/models/student-backbone/, `npm run pretrain:students`) under a fresh seeded
// head, as the reference's students start from ImageNet backbones; `fresh` seeds all of it.
// --test-draw (default per-seed): each seed is scored on its own draw of test scenes, so the
// intervals over seeds hold the test-sampling error too; `fixed` scores every seed on the same ones.
// The paired differences carry a two-sided p-value and its Holm adjustment over the table's pairs;
// the verdict reads the adjusted one.
// --params overlays the page's per-method defaults (each value checked like the page's form), for
// choosing a method's weights on validation scenes; the file records the parameters it ran with.
// Results go to <out>/reproduce-<task>.json after every seed; --resume continues a file with the
// same settings (the seeds in it are skipped), so a long run survives an interrupted session and
// two tasks can run in two processes. One task's seeds can run in two processes too, each with
// its own --out (`--seeds 1,2,3` and `--seeds 4,5 --out /tmp/b`); `--merge /tmp/b --report-only`
// then adds /tmp/b's seeds to <out>'s file (same settings and teacher only). Then (or with
// --report-only, from the files alone) it writes <out>/reproduce.md (the tables) and
// <out>/reproduce-curves.png (validation curves: the mean over seeds and the seeds' range).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { METHOD_NAMES, METHODS, resolveParams, type MethodName } from '../src/maskd/methods';
import type { Task } from '../src/models/nets';
import { STUDENT_INITS, type StudentInit } from '../src/engine/models';
import { defaultDistillSettings } from '../src/state/setupSlice';
import { mergeResults, type Results } from './reproduceResults';
import { curvesSvg, type CurvePanel } from './curvesSvg';
import { Engines, parseBackend } from './script-engine';
import { ci95, formatInterval, holm, mean, pairedTest } from './stats';
import { TEST_SEED } from '../src/train/dataSource';
import { writeSvgPng } from './svgPng';

const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string', default: 'segmentation,detection' },
    steps: { type: 'string' },
    seeds: { type: 'string', default: '1,2,3,4,5' },
    methods: { type: 'string', default: 'none,fitnet,cwd,maskd' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    'eval-every': { type: 'string' },
    val: { type: 'string', default: '64' },
    test: { type: 'string', default: '256' },
    backend: { type: 'string', default: 'wasm' },
    out: { type: 'string', default: 'scripts/results' },
    resume: { type: 'boolean', default: false },
    merge: { type: 'string' },
    'report-only': { type: 'boolean', default: false },
    port: { type: 'string', default: '4198' },
    'skip-build': { type: 'boolean', default: false },
    'student-init': { type: 'string', default: 'pretrained' },
    params: { type: 'string' },
    'test-draw': { type: 'string', default: 'per-seed' },
  },
});
if (!(STUDENT_INITS as readonly string[]).includes(args['student-init'])) throw new Error(`--student-init: ${STUDENT_INITS.join(' or ')}; got ${args['student-init']}`);
const studentInit = args['student-init'] as StudentInit;
if (args['test-draw'] !== 'per-seed' && args['test-draw'] !== 'fixed') throw new Error(`--test-draw: per-seed or fixed; got ${args['test-draw']}`);
const perSeedTest = args['test-draw'] === 'per-seed';

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
function int(name: string, v: string | undefined, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: an integer ≥ ${min}; got ${v}`);
  return n;
}
function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0)) throw new Error(`--${name}: a positive number; got ${v}`);
  return n;
}

const tasks = list(args.tasks).map((t) => {
  if (t !== 'segmentation' && t !== 'detection') throw new Error(`--tasks: segmentation and/or detection; got ${t}`);
  return t as Task;
});
const seeds = list(args.seeds).map((s) => int('seeds', s, 0)!);
const methods = list(args.methods).map((m) => {
  if (!(METHOD_NAMES as readonly string[]).includes(m)) throw new Error(`--methods: one of ${METHOD_NAMES.join(', ')}; got ${m}`);
  return m as MethodName;
});
/** Steps after which the pretrained student alone gains < 0.01 (seed 101, validation; docs/experiments.md). */
const PLATEAU_STEPS: Record<Task, number> = { segmentation: 4000, detection: 3000 };
const stepsFor = (task: Task) => int('steps', args.steps) ?? PLATEAU_STEPS[task];
const evalEveryFor = (task: Task) => int('eval-every', args['eval-every']) ?? Math.max(1, Math.round(stepsFor(task) / 10));
const backend = parseBackend(args.backend);

const overrides = parseOverrides(args.params);
function parseOverrides(text: string | undefined): Partial<Record<MethodName, Record<string, unknown>>> {
  if (text === undefined) return {};
  const o = JSON.parse(text) as unknown;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error(`--params: a JSON object of method → parameters; got ${text}`);
  for (const [m, p] of Object.entries(o)) {
    if (!(METHOD_NAMES as readonly string[]).includes(m)) throw new Error(`--params: unknown method ${m}`);
    resolveParams(m as MethodName, p as never);
  }
  return o as Partial<Record<MethodName, Record<string, unknown>>>;
}

const fileOf = (task: Task, dir = args.out) => join(dir, `reproduce-${task}.json`);

function settingsFor(task: Task): Results['settings'] {
  const d = defaultDistillSettings(task);
  return {
    methods,
    backend,
    studentInit,
    ...(perSeedTest ? { testDraw: 'per-seed' as const } : {}),
    config: {
      steps: stepsFor(task),
      batchSize: int('batch', args.batch) ?? d.batchSize,
      lr: positive('lr', args.lr) ?? d.lr,
      evalEvery: evalEveryFor(task),
      valCount: int('val', args.val)!,
      testCount: int('test', args.test)!,
      params: Object.fromEntries(Object.entries(d.params).map(([m, p]) => [m, { ...p, ...overrides[m as MethodName] }])) as typeof d.params,
    },
  };
}

function load(task: Task, dir = args.out): Results | null {
  const file = fileOf(task, dir);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as Results;
}

async function run(task: Task): Promise<void> {
  const settings = settingsFor(task);
  let results: Results = { task, settings, teacher: null, runtime: '', runs: [] };
  const before = load(task);
  if (before && args.resume) {
    if (JSON.stringify(before.settings) !== JSON.stringify(settings)) {
      throw new Error(`${fileOf(task)} was run with other settings: ${JSON.stringify(before.settings)}; remove it or run without --resume`);
    }
    results = before;
  } else if (before) {
    throw new Error(`${fileOf(task)} exists: --resume continues it, or remove it to start again`);
  }
  const todo = seeds.filter((s) => !results.runs.some((r) => r.seed === s));
  if (!todo.length) return console.log(`[reproduce] ${task}: every seed is done (${results.runs.length})`);
  const engines = new Engines({ port: Number(args.port), skipBuild: args['skip-build'] });
  engines.onWarning = (m) => console.log(`  [engine warning] ${m}`);
  try {
    for (const seed of todo) {
      console.log(`[reproduce] ${task}, seed ${seed}: ${methods.join(', ')} × ${settings.config.steps} steps on ${backend}`);
      const engine = await engines.on(backend);
      await engine.start(backend);
      const demo = await engine.loadDemo(task, { studentInit });
      if (studentInit === 'pretrained' && !demo.student.source.startsWith('builtin:')) throw new Error(`no shipped student backbone: ${demo.warnings.map((w) => w.text).join('; ')}`);
      if (!demo.teacher.source.startsWith('builtin:')) throw new Error(`no shipped ${task} teacher: ${demo.warnings.map((w) => w.text).join('; ')}`);
      if (methods.some((m) => METHODS[m].usesTokens) && !demo.tokens) throw new Error(`no shipped ${task} tokens: run npm run learn:tokens first`);
      // Seeds distilled from another teacher are another experiment: a retrained teacher starts the file again.
      if (results.runs.length && JSON.stringify(results.teacher) !== JSON.stringify(demo.teacher.metric ?? null)) {
        throw new Error(`${fileOf(task)} was run with another teacher (${JSON.stringify(results.teacher)}, now ${JSON.stringify(demo.teacher.metric)}); remove it or run with another --out`);
      }
      // So are seeds distilled through other tokens.
      if (methods.includes('maskd') && results.runs.length && JSON.stringify(results.tokens) !== JSON.stringify(shippedTokens(task))) {
        throw new Error(`${fileOf(task)} was run with other ${task} tokens (${JSON.stringify(results.tokens)}, now ${JSON.stringify(shippedTokens(task))}); remove it or run with another --out`);
      }
      const t0 = Date.now();
      const rows = await engine.compare(methods, { ...settings.config, seed, ...(perSeedTest ? { testSeed: TEST_SEED + seed } : {}) }, (r) =>
        console.log(`  ${r.method}: ${r.metricName} ${r.metric.toFixed(4)} on ${r.scored.scenes} ${r.scored.split} scenes, ${Math.round(r.msPerStep)} ms/step`),
      );
      results.teacher = demo.teacher.metric ?? null;
      if (methods.includes('maskd')) results.tokens = shippedTokens(task);
      results.runtime = engine.runtime;
      results.runs.push({ seed, rows, wallS: Math.round((Date.now() - t0) / 1000) });
      mkdirSync(args.out, { recursive: true });
      writeFileSync(fileOf(task), JSON.stringify(results, null, 1) + '\n');
    }
  } finally {
    await engines.close();
  }
}

/** The shipped tokens' live count and effective number, from their tokens.json's report. */
function shippedTokens(task: Task): Results['tokens'] {
  const meta = (JSON.parse(readFileSync(`public/models/${task}-teacher/tokens.json`, 'utf8')) as { meta?: { numTokens?: number; report?: { liveCount?: number; effectiveTokens?: number | null } } }).meta;
  const report = meta?.report;
  if (!report || typeof report.liveCount !== 'number' || typeof meta?.numTokens !== 'number') return undefined;
  return { live: report.liveCount, numTokens: meta.numTokens, effective: typeof report.effectiveTokens === 'number' ? report.effectiveTokens : null };
}

const LABEL: Record<MethodName, string> = Object.fromEntries(METHOD_NAMES.map((m) => [m, METHODS[m].label])) as Record<MethodName, string>;
const COLOUR: Record<string, string> = { none: '#6b7280', fitnet: '#2563eb', cwd: '#16a34a', maskd: '#dc2626' };
const PAIRS: readonly [MethodName, MethodName][] = [
  ['maskd', 'fitnet'],
  ['maskd', 'cwd'],
  ['maskd', 'none'],
  ['fitnet', 'none'],
  ['cwd', 'none'],
];

const finals = (r: Results, m: MethodName) => r.runs.map((x) => x.rows.find((y) => y.method === m)?.metric ?? NaN);

function report(results: Results): string {
  // Seeds in order, whatever order they ran in (a resumed file adds the missing ones at the end).
  const r: Results = { ...results, runs: [...results.runs].sort((a, b) => a.seed - b.seed) };
  const c = r.settings.config;
  const name = r.runs[0]?.rows[0]?.metricName ?? 'metric';
  const n = r.runs.length;
  const lines = [
    `### ${r.task[0].toUpperCase()}${r.task.slice(1)}: test ${name} of the final student (${n} seeds)`,
    '',
    `${c.steps} steps × batch ${c.batchSize}, lr ${c.lr}, students ${r.settings.studentInit ?? 'fresh'}, ${c.testCount} test scenes, seeds ${r.runs.map((x) => x.seed).join(', ')}; ` +
      `teacher ${r.teacher ? `${r.teacher.name} ${r.teacher.value.toFixed(3)}` : 'unknown'}; ${r.settings.backend} on ${r.runtime}, ` +
      `${Math.round(r.runs.reduce((a, x) => a + x.wallS, 0) / 60)} min of runs.`,
    '',
    `| method | test ${name}, mean ± 95% CI | ${r.runs.map((x) => `seed ${x.seed}`).join(' | ')} | ms/step |`,
    `|---|---|${r.runs.map(() => '---:').join('|')}|---:|`,
  ];
  for (const m of r.settings.methods) {
    const xs = finals(r, m);
    const ms = mean(r.runs.map((x) => x.rows.find((y) => y.method === m)?.msPerStep ?? NaN));
    const tokens = m === 'maskd' && r.tokens ? ` (${r.tokens.live} of ${r.tokens.numTokens} tokens live${r.tokens.effective !== null ? `, effective tokens ${r.tokens.effective.toFixed(2)}` : ''})` : '';
    lines.push(`| ${LABEL[m]}${tokens} | ${formatInterval(ci95(xs))} | ${xs.map((x) => x.toFixed(3)).join(' | ')} | ${Math.round(ms)} |`);
  }
  const pairs = PAIRS.filter(([a, b]) => r.settings.methods.includes(a) && r.settings.methods.includes(b));
  if (pairs.length) {
    const tests = pairs.map(([a, b]) => pairedTest(finals(r, a), finals(r, b)));
    const adjusted = holm(tests.map((t) => t.p));
    const pText = (p: number) => (Number.isNaN(p) ? '—' : p < 0.001 ? '< 0.001' : p.toFixed(3));
    lines.push(
      '',
      `| paired difference (same seed) | mean ± 95% CI | p | Holm p (${pairs.length} pairs) | reads (Holm p < 0.05) |`,
      '|---|---|---:|---:|---|',
    );
    pairs.forEach(([a, b], k) => {
      const d = tests[k];
      const reads = adjusted[k] < 0.05 ? `${LABEL[a]} ${d.mean > 0 ? 'higher' : 'lower'}` : 'not distinguishable from 0';
      lines.push(`| ${LABEL[a]} − ${LABEL[b]} | ${formatInterval(d, 4)} | ${pText(d.p)} | ${pText(adjusted[k])} | ${reads} |`);
    });
  }
  lines.push('', r.settings.testDraw === 'per-seed' ? 'Each seed is scored on its own draw of test scenes.' : 'Every seed is scored on the same test scenes (test-sampling error is outside the intervals).');
  return lines.join('\n');
}

function panel(r: Results): CurvePanel {
  const name = r.runs[0]?.rows[0]?.metricName ?? 'metric';
  return {
    title: `${r.task[0].toUpperCase()}${r.task.slice(1)} (${r.runs.length} seeds)`,
    metricName: name,
    series: r.settings.methods.map((m) => ({
      label: LABEL[m],
      colour: COLOUR[m] ?? '#111827',
      seeds: r.runs.map((x) => x.rows.find((y) => y.method === m)?.curve ?? []),
    })),
    references: r.teacher ? [{ label: 'teacher', value: r.teacher.value }] : [],
  };
}

/** Adds the seeds of another process's results (--merge <dir>) to this task's file. */
function merge(task: Task, dir: string): void {
  const other = load(task, dir);
  if (!other) return console.log(`[reproduce] ${task}: nothing to merge in ${fileOf(task, dir)}`);
  const merged = mergeResults(load(task) ?? { ...other, runs: [] }, other);
  mkdirSync(args.out, { recursive: true });
  writeFileSync(fileOf(task), JSON.stringify(merged, null, 1) + '\n');
  console.log(`[reproduce] ${task}: seeds ${merged.runs.map((r) => r.seed).join(', ')} after merging ${fileOf(task, dir)}`);
}

if (!args['report-only']) for (const task of tasks) await run(task);
if (args.merge) for (const task of tasks) merge(task, args.merge);
const done = tasks.map((t) => load(t)).filter((r): r is Results => r !== null && r.runs.length > 0);
if (!done.length) throw new Error(`no results in ${args.out}`);
const md = done.map(report).join('\n\n') + '\n';
console.log(`\n${md}`);
mkdirSync(args.out, { recursive: true });
writeFileSync(join(args.out, 'reproduce.md'), md);
const png = join(args.out, 'reproduce-curves.png');
const bytes = await writeSvgPng(curvesSvg(done.map(panel)), png);
console.log(`[reproduce] wrote ${join(args.out, 'reproduce.md')} and ${png} (${Math.round(bytes / 1024)} KB)`);
