#!/usr/bin/env node
// Reproduces the paper's comparison at toy scale: the playground's own worker distils the shipped
// teacher into the demo student with none, FitNet, CWD and MasKD (same student init, data order and
// budget per seed), then prints validation metric mean ± std over seeds and wall time per step on
// each backend. The page's stage-2 defaults are used unless overridden.
//
//   node scripts/reproduce.mjs [--task segmentation|detection] [--steps 200] [--batch 8] [--lr <page default>]
//        [--seeds 1,2,3] [--methods none,fitnet,cwd,maskd] [--backend webgl] [--time-backends webgpu,webgl]
//        [--time-steps 4] [--val 64] [--json out.json] [--port 4198] [--skip-build]
//
// Metrics come from the --backend runs; the other backends in --time-backends run --time-steps steps
// per method only to time them (a full grid on the software WebGPU adapter would take hours).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openAppPage } from './app-session.mjs';

const { values: args } = parseArgs({
  options: {
    task: { type: 'string', default: 'segmentation' },
    steps: { type: 'string', default: '200' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    seeds: { type: 'string', default: '1,2,3' },
    methods: { type: 'string', default: 'none,fitnet,cwd,maskd' },
    backend: { type: 'string', default: 'webgl' },
    'time-backends': { type: 'string', default: 'webgpu,webgl' },
    'time-steps': { type: 'string', default: '4' },
    val: { type: 'string' },
    json: { type: 'string' },
    port: { type: 'string', default: '4198' },
    'skip-build': { type: 'boolean', default: false },
  },
});
const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
const seeds = list(args.seeds).map(Number);
const methods = list(args.methods);
const steps = Number(args.steps);
const timeSteps = Number(args['time-steps']);
if (!['segmentation', 'detection'].includes(args.task)) throw new Error(`--task must be segmentation or detection; got ${args.task}`);
if (!seeds.length || seeds.some((s) => !Number.isInteger(s))) throw new Error('--seeds: comma-separated integers');
if (!Number.isInteger(steps) || steps < 1) throw new Error('--steps: a positive integer');
const timeBackends = list(args['time-backends']).filter((b) => b !== args.backend);

const { page, close, browserVersion } = await openAppPage({ build: args['skip-build'] ? 'never' : 'always', port: Number(args.port) });
await page.exposeFunction('__reproLog', (m) => console.log(m));

/** Runs one comparison in a fresh engine on `backend`; returns its rows. */
function compare(backend, config) {
  return page.evaluate(
    async ({ task, backend, methods, config, overrides }) => {
      window.maskd.engine().terminate();
      const engine = window.maskd.engine();
      engine.onWarning = (m) => window.__reproLog(`  [engine warning] ${m}`);
      const status = await engine.init(window.maskd.dataUrl, [backend]);
      const demo = await engine.loadDemo(task);
      if (!demo.teacher.source.startsWith('builtin:')) throw new Error(`no shipped ${task} teacher: ${demo.warnings.join('; ')}`);
      if (methods.includes('maskd') && !demo.tokens) throw new Error(`no shipped ${task} tokens: run npm run learn:tokens first`);
      const d = window.maskd.distillDefaults(task);
      const full = {
        steps: config.steps,
        batchSize: overrides.batch ?? d.batchSize,
        lr: overrides.lr ?? d.lr,
        seed: config.seed,
        evalEvery: config.evalEvery,
        valCount: overrides.val ?? d.valCount,
        params: d.params,
      };
      // Timing runs: one untimed step per method first, so shader compilation is not counted.
      if (config.warmup) await engine.compare(methods, { ...full, steps: 1, evalEvery: 1e9 });
      const rows = await engine.compare(methods, full, {
        onMethodDone: (r) => window.__reproLog(`  ${r.method}: ${r.metricName} ${r.metric.toFixed(4)}  ${Math.round(r.msPerStep)} ms/step`),
      });
      return { rows, backend: status.backend, adapter: status.adapter, config: full, teacherMetric: demo.teacher.metric ?? null };
    },
    { task: args.task, backend, methods, config, overrides: { batch: num(args.batch), lr: num(args.lr), val: num(args.val) } },
  );
}

function num(v) {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
  return n;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));

const runs = [];
const timing = {};
let used = null;
const t0 = Date.now();
try {
  for (const seed of seeds) {
    console.log(`[reproduce] ${args.task}, seed ${seed}, ${steps} steps per method on ${args.backend}`);
    // Evaluate once, at the end: the table reports the final student, not the best checkpoint.
    const r = await compare(args.backend, { seed, steps, evalEvery: steps });
    used = r;
    runs.push({ seed, rows: r.rows });
    for (const row of r.rows) (timing[args.backend] ??= {})[row.method] ??= [];
    for (const row of r.rows) timing[args.backend][row.method].push(row.msPerStep);
  }
  for (const backend of timeBackends) {
    console.log(`[reproduce] timing ${timeSteps} steps per method on ${backend}`);
    const r = await compare(backend, { seed: seeds[0], steps: timeSteps, evalEvery: 1e9, warmup: true });
    for (const row of r.rows) ((timing[backend] ??= {})[row.method] ??= []).push(row.msPerStep);
  }
} finally {
  await close();
}

const metricName = runs[0].rows[0].metricName;
const backends = [args.backend, ...timeBackends];
const table = methods.map((method) => {
  const finals = runs.map((r) => r.rows.find((x) => x.method === method)?.curve.at(-1)?.[1] ?? NaN);
  const row = { method, [`val ${metricName} (mean ± std, n=${finals.length})`]: `${mean(finals).toFixed(4)} ± ${std(finals).toFixed(4)}` };
  for (const b of backends) row[`ms/step ${b}`] = timing[b]?.[method] ? Math.round(mean(timing[b][method])) : '—';
  return row;
});
console.log(
  `\n[reproduce] ${args.task}: ${steps} steps × batch ${used.config.batchSize}, lr ${used.config.lr}, seeds ${seeds.join(',')}, ` +
    `val ${used.config.valCount} scenes; teacher ${used.teacherMetric ? `${used.teacherMetric.name} ${used.teacherMetric.value.toFixed(3)}` : '?'}; ` +
    `${browserVersion}, adapter ${JSON.stringify(used.adapter)}; ${Math.round((Date.now() - t0) / 1000)} s in all`,
);
console.table(table);
const finalsOf = (method) => runs.map((x) => x.rows.find((y) => y.method === method)?.curve.at(-1)?.[1] ?? NaN);
if (['maskd', 'fitnet', 'none'].every((m) => methods.includes(m))) {
  const [maskd, fitnet, none] = ['maskd', 'fitnet', 'none'].map((m) => mean(finalsOf(m)));
  const holds = maskd >= fitnet && fitnet > none;
  // A difference smaller than the seeds' spread says nothing either way.
  const spread = Math.max(...['maskd', 'fitnet', 'none'].map((m) => std(finalsOf(m))));
  const separated = Math.min(Math.abs(maskd - fitnet), Math.abs(fitnet - none)) > spread;
  console.log(
    `[reproduce] paper's ordering MasKD ≥ FitNet > none: ${holds ? 'holds' : 'does NOT hold'} on the means ` +
      `(${maskd.toFixed(4)}, ${fitnet.toFixed(4)}, ${none.toFixed(4)}); ` +
      (separated ? 'the gaps exceed the seeds’ spread.' : `the gaps are within the seeds’ spread (std up to ${spread.toFixed(4)}): not distinguishable at this budget.`),
  );
}
if (args.json) {
  writeFileSync(args.json, JSON.stringify({ args, config: used.config, teacherMetric: used.teacherMetric, runs, timing, table }, null, 2) + '\n');
  console.log(`[reproduce] wrote ${args.json}`);
}
