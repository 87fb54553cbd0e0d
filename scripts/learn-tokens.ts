// Learns the receptive tokens shipped with each demo teacher (stage 1 of MasKD) with the
// playground's own engine (EngineSession, as in the training worker), and writes
// <out>/<task>-teacher/tokens.json (the format `loadDemo` reads). On wasm (the default) or cpu it
// runs in Node; on webgpu or webgl it drives the built page's worker in headless Chromium.
//
//   tsx scripts/learn-tokens.ts [--task segmentation|detection|both] [--steps 200] [--batch 8]
//        [--recipe reference-detection|reference-segmentation|playground]
//        [--lr 0.01] [--tokens 6] [--dice 1] [--token-weights | --no-branch] [--optimizer adam|sgd] [--momentum 0.9]
//        [--weight-decay 0] [--schedule cosine|poly] [--min-lr 0] [--weight-entropy 0.3] [--area-bounds 1]
//        [--label-free] [--teacher path/model.json [--tap layer]] [--seed 1] [--backend wasm|cpu|webgpu|webgl]
//        [--report 256] [--out public/models] [--port 4197] [--skip-build] [--allow-fresh]
//
// --label-free learns from the teacher's own outputs on the images (no labels: the teacher-consistency
// objective with the area bounds, src/maskd/consistency.ts), as the page does for a dataset of images only.
// --no-branch drops the token-weight branch a recipe has; --weight-entropy weighs the penalty on one-hot
// token weights (branch only) and --area-bounds the bounds on each token's area (label-free only).
// --teacher learns on a user's TF.js model (model.json and the weight files beside it; Node backends
// only) instead of the demo's teacher, on the demo's images, as the page does after a drop: label-free
// whenever no labels fit it (the --task demo's images, at the model's input size; write it with --out).
//
// --recipe fills the stage-1 fields from the page's recipe (src/share/maskRecipes.ts: optimiser,
// lr, momentum, weight decay, schedule, final lr, tokens, branch) for each task; without it each
// task gets the page's default recipe (DEFAULT_RECIPE), which is how the shipped tokens were
// learnt. Flags given explicitly override it. --report N measures the learnt tokens over N validation scenes
// afterwards (never test scenes: the report chooses recipes and tokens) and prints it as `npm run token:report`
// does (live tokens, mean pairwise Dice and, with the branch, each token's mean weight and `effective tokens`,
// as the page's "Measure tokens"; 0: no report).
//
// The teacher is the shipped one: public/models/<task>-teacher in Node, the one the built app
// serves (dist/models, copied from public/models at build time) in the browser. Without one the
// engine would fall back to a fresh, untrained teacher, whose tokens mean nothing: the script
// refuses unless --allow-fresh (for testing the script itself; write such output outside
// public/models with --out). --port and --skip-build apply to webgpu and webgl.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Task } from '../src/models/nets';
import type { RunProgress } from '../src/engine/progress';
import type { MaskStageConfig } from '../src/engine/runConfigs';
import { DEFAULT_RECIPE, MASK_RECIPE_IDS, MASK_RECIPES, type MaskRecipeId } from '../src/share/maskRecipes';
import { Engines, parseBackend } from './script-engine';
import { tokenReportTable } from './tokenReportTable';
import { effectiveTokens } from '../src/engine/tokens';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    task: { type: 'string', default: 'both' },
    steps: { type: 'string', default: '200' },
    batch: { type: 'string', default: '8' },
    recipe: { type: 'string' },
    lr: { type: 'string' },
    tokens: { type: 'string' },
    dice: { type: 'string', default: '1' },
    'token-weights': { type: 'boolean' },
    'no-branch': { type: 'boolean', default: false },
    'weight-entropy': { type: 'string' },
    'area-bounds': { type: 'string' },
    'label-free': { type: 'boolean', default: false },
    teacher: { type: 'string' },
    tap: { type: 'string' },
    optimizer: { type: 'string' },
    momentum: { type: 'string' },
    'weight-decay': { type: 'string' },
    schedule: { type: 'string' },
    'min-lr': { type: 'string' },
    report: { type: 'string', default: '256' },
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
if (args.recipe !== undefined && !(MASK_RECIPE_IDS as readonly string[]).includes(args.recipe)) {
  throw new Error(`--recipe: one of ${MASK_RECIPE_IDS.join(', ')}; got ${args.recipe}`);
}
if (args.teacher && resolve(args.out) === resolve(join(root, 'public', 'models'))) {
  throw new Error('--teacher: write its tokens elsewhere with --out (public/models holds the demos\' own)');
}
const reportScenes = Number(args.report);
if (!Number.isInteger(reportScenes) || reportScenes < 0) throw new Error('--report: a number of scenes (0: none)');

/** The stage-1 config of `task`: the recipe's fields (without one, the page's default recipe), then the explicit flags. */
function configFor(task: Task): MaskStageConfig {
  const r = MASK_RECIPES[(args.recipe ?? DEFAULT_RECIPE[task]) as MaskRecipeId].fields(task);
  const num = (flag: string, v: string | undefined, fallback: number) => {
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${flag}: not a number`);
    return n;
  };
  const optimizer = args.optimizer ?? r.optimizer ?? 'adam';
  const schedule = args.schedule ?? r.schedule ?? 'cosine';
  if (optimizer !== 'adam' && optimizer !== 'sgd') throw new Error(`--optimizer: adam or sgd; got ${optimizer}`);
  if (schedule !== 'cosine' && schedule !== 'poly') throw new Error(`--schedule: cosine or poly; got ${schedule}`);
  return {
    numTokens: num('tokens', args.tokens, r.numTokens ?? 6),
    steps: num('steps', args.steps, 200),
    batchSize: num('batch', args.batch, 8),
    lr: num('lr', args.lr, r.lr ?? 0.01),
    diceWeight: num('dice', args.dice, 1),
    tokenWeights: args['no-branch'] ? false : (args['token-weights'] ?? r.tokenWeights ?? false),
    seed: num('seed', args.seed, 1),
    optimizer,
    momentum: num('momentum', args.momentum, r.momentum ?? 0.9),
    weightDecay: num('weight-decay', args['weight-decay'], r.weightDecay ?? 0),
    schedule,
    minLr: num('min-lr', args['min-lr'], r.minLr ?? 0),
    ...(args['weight-entropy'] !== undefined ? { weightEntropy: num('weight-entropy', args['weight-entropy'], 0) } : {}),
    ...(args['area-bounds'] !== undefined ? { areaBounds: num('area-bounds', args['area-bounds'], 0) } : {}),
    ...(args['label-free'] ? { objective: 'teacher' as const } : {}),
  };
}

function printProgress(p: RunProgress): void {
  const areas = p.tokenAreas ? `  areas ${p.tokenAreas.map((a) => a.toFixed(2)).join(' ')}` : '';
  const ws = p.tokenWeights ? `  w ${p.tokenWeights.map((a) => a.toFixed(2)).join(' ')} eff ${effectiveTokens(p.tokenWeights).toFixed(2)}` : '';
  const l = p.losses;
  console.log(
    `  step ${p.step}/${p.total}  task ${l.task.toFixed(4)}  dice ${l.dice.toFixed(4)}  total ${l.total.toFixed(4)}  ` +
      `${Math.round(p.msPerStep)} ms/step  tensors ${p.numTensors}${areas}${ws}`,
  );
}

const engines = new Engines({ port: Number(args.port), skipBuild: args['skip-build'] });
const summary = [];
try {
  const engine = await engines.on(backend);
  for (const task of tasks) {
    const config = configFor(task);
    console.log(`[learn-tokens] ${task}: recipe ${args.recipe ?? DEFAULT_RECIPE[task]}, ${JSON.stringify(config)} on ${backend} (${engine.runtime})`);
    const t0 = Date.now();
    const status = await engine.start(backend);
    let demo = await engine.loadDemo(task);
    if (args.teacher) {
      if (!engine.loadModels) throw new Error('--teacher: Node backends only (wasm, cpu)');
      const json = resolve(args.teacher);
      const manifest = JSON.parse(readFileSync(json, 'utf8')) as { weightsManifest?: { paths: string[] }[] };
      const paths = (manifest.weightsManifest ?? []).flatMap((g) => g.paths);
      const file = (path: string, name: string) => {
        const b = readFileSync(path);
        return { name, data: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
      };
      const files = [file(json, basename(json)), ...paths.map((p) => file(join(dirname(json), p), p))];
      const loaded = await engine.loadModels({ teacher: { files, label: basename(json), ...(args.tap ? { tap: args.tap } : {}) } });
      console.log(`[learn-tokens] teacher ${loaded.teacher.source}: tap ${loaded.teacher.tapLayer} [${loaded.teacher.featureShape.join(', ')}]${loaded.labelFree ? `, label-free: ${loaded.labelFree}` : ''}`);
      demo = { ...demo, teacher: loaded.teacher };
    }
    const shipped = demo.teacher.source.startsWith('builtin:') || args.teacher !== undefined;
    if (!shipped && !args['allow-fresh']) {
      throw new Error(`no shipped ${task} teacher (${demo.warnings.map((w) => w.text).join('; ')}); train it first or pass --allow-fresh`);
    }
    let last: RunProgress | null = null;
    const run = await engine.learnMasks(config, (p) => {
      last = p;
      printProgress(p);
    });
    const file = await engine.exportTokens();
    const final = last as RunProgress | null;
    const report = reportScenes > 0 ? await engine.tokenReport(reportScenes) : null;
    const meta = {
      recipe: args.recipe ?? DEFAULT_RECIPE[task],
      ...config,
      stepsDone: run.step,
      backend: status.backend,
      adapter: status.adapter,
      ...(status.wasm ? { wasm: status.wasm } : {}),
      runtime: engine.runtime,
      teacher: args.teacher ? demo.teacher.source : shipped ? 'shipped' : 'fresh (untrained; test output only)',
      teacherMetric: demo.teacher.metric ?? null,
      finalLosses: final?.losses ?? null,
      tokenAreas: final?.tokenAreas ?? null,
      ...(report
        ? {
            report: {
              scenes: report.scenes,
              split: report.split,
              liveCount: report.liveCount,
              area: report.area,
              meanDice: report.meanDice,
              perClass: report.perClass,
              ...(report.weights ? { weights: report.weights, effectiveTokens: report.effectiveTokens } : {}),
            },
          }
        : {}),
      wallS: Math.round((Date.now() - t0) / 1000),
      generatedBy: 'MasKD Playground scripts/learn-tokens.ts',
      date: new Date().toISOString(),
    };
    const dir = join(resolve(args.out), `${task}-teacher`);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'tokens.json');
    writeFileSync(path, JSON.stringify({ ...file, meta }) + '\n');
    console.log(`[learn-tokens] ${task}: wrote ${path} after ${run.step} steps in ${meta.wallS} s`);
    if (report) console.log(`\n${tokenReportTable(task, report)}\n`);
    // Loss keys get a prefix: the task loss is named `task` too.
    const losses = Object.fromEntries(Object.entries(meta.finalLosses ?? {}).map(([k, v]) => [`${k} loss`, v]));
    const measured = report
      ? {
          live: `${report.liveCount}/${report.numTokens}`,
          'mean Dice': Number(report.meanDice.toFixed(3)),
          areas: report.area.map((a) => a.toFixed(2)).join(' '),
          ...(report.effectiveTokens !== null ? { 'effective tokens': Number(report.effectiveTokens.toFixed(2)) } : {}),
        }
      : {};
    summary.push({ task, steps: run.step, ...losses, ...measured, wallS: meta.wallS, path });
  }
} finally {
  await engines.close();
}
console.table(summary);
