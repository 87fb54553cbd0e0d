// Reproduces the paper's comparison at toy scale: the playground's own engine (EngineSession, as
// in the training worker) distils the shipped teacher into the demo student with none, FitNet, CWD
// and MasKD (same student init, data order and budget per seed), then prints validation metric
// mean ± std over seeds and wall time per step on each backend. The page's stage-2 defaults are
// used unless overridden. wasm (the default) and cpu run in Node with no browser; webgpu and webgl
// run the built page's worker in headless Chromium.
//
//   tsx scripts/reproduce.ts [--task segmentation|detection] [--steps 200] [--batch 8] [--lr <page default>]
//        [--seeds 1,2,3] [--methods none,fitnet,cwd,maskd] [--backend wasm|cpu|webgpu|webgl]
//        [--time-backends webgpu,webgl,cpu] [--time-steps 4] [--val 64] [--json out.json] [--port 4198] [--skip-build]
//
// Metrics come from the --backend runs; the backends in --time-backends (none by default) run
// --time-steps steps per method only to time them (a full grid on the software WebGPU adapter
// would take hours). --port and --skip-build apply to webgpu and webgl.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { METHOD_NAMES, type MethodName } from '../src/maskd/methods';
import type { Task } from '../src/models/nets';
import { defaultDistillSettings } from '../src/state/setupSlice';
import type { BackendStatus } from '../src/backends/init';
import type { CompareConfig, CompareRow } from '../src/engine/types';
import { Engines, parseBackend, type ScriptBackend } from './script-engine';

const { values: args } = parseArgs({
  options: {
    task: { type: 'string', default: 'segmentation' },
    steps: { type: 'string', default: '200' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    seeds: { type: 'string', default: '1,2,3' },
    methods: { type: 'string', default: 'none,fitnet,cwd,maskd' },
    backend: { type: 'string', default: 'wasm' },
    'time-backends': { type: 'string', default: '' },
    'time-steps': { type: 'string', default: '4' },
    val: { type: 'string' },
    json: { type: 'string' },
    port: { type: 'string', default: '4198' },
    'skip-build': { type: 'boolean', default: false },
  },
});
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const seeds = list(args.seeds).map(Number);
const methods = list(args.methods) as MethodName[];
const steps = Number(args.steps);
const timeSteps = Number(args['time-steps']);
if (args.task !== 'segmentation' && args.task !== 'detection') throw new Error(`--task must be segmentation or detection; got ${args.task}`);
const task: Task = args.task;
if (!seeds.length || seeds.some((s) => !Number.isInteger(s))) throw new Error('--seeds: comma-separated integers');
if (!Number.isInteger(steps) || steps < 1) throw new Error('--steps: a positive integer');
for (const m of methods) if (!METHOD_NAMES.includes(m)) throw new Error(`--methods: one of ${METHOD_NAMES.join(', ')}; got ${m}`);
const backend = parseBackend(args.backend);
const timeBackends = list(args['time-backends'])
  .map((b) => parseBackend(b, '--time-backends'))
  .filter((b) => b !== backend);

function num(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
  return n;
}
const overrides = { batch: num(args.batch), lr: num(args.lr), val: num(args.val) };

interface CompareRun {
  rows: CompareRow[];
  status: BackendStatus;
  runtime: string;
  config: CompareConfig;
  teacherMetric: { name: string; value: number } | null;
}

const engines = new Engines({ port: Number(args.port), skipBuild: args['skip-build'] });
engines.onWarning = (m) => console.log(`  [engine warning] ${m}`);

/** Runs one comparison in a fresh engine on `on`; returns its rows. */
async function compare(on: ScriptBackend, run: { seed: number; steps: number; evalEvery: number; warmup?: boolean }): Promise<CompareRun> {
  const engine = await engines.on(on);
  const status = await engine.start(on);
  const demo = await engine.loadDemo(task);
  if (!demo.teacher.source.startsWith('builtin:')) throw new Error(`no shipped ${task} teacher: ${demo.warnings.join('; ')}`);
  if (methods.includes('maskd') && !demo.tokens) throw new Error(`no shipped ${task} tokens: run npm run learn:tokens first`);
  // The page's stage-2 settings (window.maskd.distillDefaults in the page is this function).
  const d = defaultDistillSettings(task);
  const config: CompareConfig = {
    steps: run.steps,
    batchSize: overrides.batch ?? d.batchSize,
    lr: overrides.lr ?? d.lr,
    seed: run.seed,
    evalEvery: run.evalEvery,
    valCount: overrides.val ?? d.valCount,
    params: d.params,
  };
  // Timing runs: one untimed step per method first, so shader compilation is not counted.
  if (run.warmup) await engine.compare(methods, { ...config, steps: 1, evalEvery: 1e9 });
  const rows = await engine.compare(methods, config, (r) =>
    console.log(`  ${r.method}: ${r.metricName} ${r.metric.toFixed(4)}  ${Math.round(r.msPerStep)} ms/step`),
  );
  return { rows, status, runtime: engine.runtime, config, teacherMetric: demo.teacher.metric ?? null };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));

const runs: { seed: number; rows: CompareRow[] }[] = [];
const timing: Record<string, Record<string, number[]>> = {};
let used: CompareRun | null = null;
const t0 = Date.now();
try {
  for (const seed of seeds) {
    console.log(`[reproduce] ${task}, seed ${seed}, ${steps} steps per method on ${backend}`);
    // Evaluate once, at the end: the table reports the final student, not the best checkpoint.
    const r = await compare(backend, { seed, steps, evalEvery: steps });
    used = r;
    runs.push({ seed, rows: r.rows });
    for (const row of r.rows) ((timing[backend] ??= {})[row.method] ??= []).push(row.msPerStep);
  }
  for (const b of timeBackends) {
    console.log(`[reproduce] timing ${timeSteps} steps per method on ${b}`);
    const r = await compare(b, { seed: seeds[0], steps: timeSteps, evalEvery: 1e9, warmup: true });
    for (const row of r.rows) ((timing[b] ??= {})[row.method] ??= []).push(row.msPerStep);
  }
} finally {
  await engines.close();
}
if (!used) throw new Error('no comparison ran');
const ran: CompareRun = used;

const finalsOf = (method: MethodName) => runs.map((x) => x.rows.find((y) => y.method === method)?.curve.at(-1)?.[1] ?? NaN);
const metricName = runs[0].rows[0].metricName;
const backends = [backend, ...timeBackends];
const table = methods.map((method) => {
  const finals = finalsOf(method);
  const row: Record<string, string | number> = { method, [`val ${metricName} (mean ± std, n=${finals.length})`]: `${mean(finals).toFixed(4)} ± ${std(finals).toFixed(4)}` };
  for (const b of backends) row[`ms/step ${b}`] = timing[b]?.[method] ? Math.round(mean(timing[b][method])) : '—';
  return row;
});
const where = ran.status.wasm ? `wasm ${JSON.stringify(ran.status.wasm)}` : `adapter ${JSON.stringify(ran.status.adapter)}`;
console.log(
  `\n[reproduce] ${task}: ${steps} steps × batch ${ran.config.batchSize}, lr ${ran.config.lr}, seeds ${seeds.join(',')}, ` +
    `val ${ran.config.valCount} scenes; teacher ${ran.teacherMetric ? `${ran.teacherMetric.name} ${ran.teacherMetric.value.toFixed(3)}` : '?'}; ` +
    `${ran.runtime}, ${where}; ${Math.round((Date.now() - t0) / 1000)} s in all`,
);
console.table(table);
if ((['maskd', 'fitnet', 'none'] as const).every((m) => methods.includes(m))) {
  const [maskd, fitnet, none] = (['maskd', 'fitnet', 'none'] as const).map((m) => mean(finalsOf(m)));
  const holds = maskd >= fitnet && fitnet > none;
  // A difference smaller than the seeds' spread says nothing either way.
  const spread = Math.max(...(['maskd', 'fitnet', 'none'] as const).map((m) => std(finalsOf(m))));
  const separated = Math.min(Math.abs(maskd - fitnet), Math.abs(fitnet - none)) > spread;
  console.log(
    `[reproduce] paper's ordering MasKD ≥ FitNet > none: ${holds ? 'holds' : 'does NOT hold'} on the means ` +
      `(${maskd.toFixed(4)}, ${fitnet.toFixed(4)}, ${none.toFixed(4)}); ` +
      (separated ? 'the gaps exceed the seeds’ spread.' : `the gaps are within the seeds’ spread (std up to ${spread.toFixed(4)}): not distinguishable at this budget.`),
  );
}
if (args.json) {
  writeFileSync(args.json, JSON.stringify({ args, config: ran.config, teacherMetric: ran.teacherMetric, runtime: ran.runtime, runs, timing, table }, null, 2) + '\n');
  console.log(`[reproduce] wrote ${args.json}`);
}
