#!/usr/bin/env node
// The page's *Compare methods* as a newcomer runs it, timed per demo (figures, no pass/fail): the
// built app in headless Chromium at 1280×720, one fresh browser context per task, the shipped
// masks awaited, the task's demo chosen in the Task picker when it is not the one shown, every
// setting left at the page's default, *Compare methods* pressed. It records the wall time from the
// click to the comparison's end (the run idle and every row of the table done), the run bar's ETA
// for the whole comparison as it reads `--eta-at` seconds after the click (default 60) beside the
// time that was actually left from that moment (hence the ETA's error in %), the backend and
// threads the badge shows, each row's metric and ms/step as the table shows them, and the load per
// core at the start and end of each task. Wall-clock figures mean something only beside that load.
//
//   npm run bench:compare [-- --tasks segmentation,detection] [--backend wasm|auto] [--seeds N]
//                            [--steps N] [--eta-at 60] [--port 0] [--json out.json] [--no-build]
//
// `--backend wasm` (default) opens `?backend=wasm`; `auto` lets Auto measure and pick (it picks
// WASM on a machine without a GPU; the badge's pick is printed either way). `--seeds N` sets the
// comparison's Seeds field; `--steps N` sets stage 2's Steps field, for a short trial run only:
// without it the budget is the page's default. Builds into node_modules/.cache/maskd-bench-compare/dist
// (not dist/, which the e2e run serves) and serves it with `vite preview` on its own port (0: a free
// one). Prints progress on stderr, then the JSON and a Markdown table on stdout.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serveBuiltApp } from './bench-app.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'node_modules', '.cache', 'maskd-bench-compare', 'dist');
const TASKS = /** @type {const} */ (['segmentation', 'detection']);

const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string', default: TASKS.join(',') },
    backend: { type: 'string', default: 'wasm' },
    seeds: { type: 'string' },
    steps: { type: 'string' },
    'eta-at': { type: 'string', default: '60' },
    port: { type: 'string', default: '0' },
    json: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
/** @param {string} name @param {string} v */
function positive(name, v) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: a positive integer, got "${v}"`);
  return n;
}
/** @type {('segmentation' | 'detection')[]} */
const tasks = args.tasks.split(',').map((t) => t.trim()).filter(Boolean).map((t) => {
  const known = TASKS.find((k) => k === t);
  if (!known) throw new Error(`--tasks: ${TASKS.join(' or ')}, got "${t}"`);
  return known;
});
if (tasks.length === 0) throw new Error('--tasks: at least one task');
if (args.backend !== 'wasm' && args.backend !== 'auto') throw new Error(`--backend: wasm or auto, got "${args.backend}"`);
const backend = args.backend;
const seeds = args.seeds === undefined ? null : positive('seeds', args.seeds);
const steps = args.steps === undefined ? null : positive('steps', args.steps);
const etaAtS = positive('eta-at', args['eta-at']);
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0) throw new Error(`--port: a port number or 0, got "${args.port}"`);

const t0 = Date.now();
/** @param {string} line */
const say = (line) => process.stderr.write(`[bench-compare ${((Date.now() - t0) / 1000).toFixed(0)} s] ${line}\n`);
const loadPerCore = () => os.loadavg()[0] / os.cpus().length;
const round1 = (/** @type {number} */ x) => Math.round(x * 10) / 10;

/**
 * The run bar's ETA text ("1:05", "12:30", "1:02:03", "—") in ms; null when it shows none.
 * @param {string | null} text
 */
function parseEta(text) {
  const m = /(\d+(?::\d{2}){1,2})/.exec(text ?? '');
  if (!m) return null;
  return m[1].split(':').reduce((s, part) => s * 60 + Number(part), 0) * 1000;
}

/**
 * A number as the table shows it (formatReadable: "0.119", "195", "−0.05", "1.23e7", with
 * " ± 0.013" after a mean over seeds); null when it shows none.
 * @param {string | null} text
 */
function parseShown(text) {
  const m = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/.exec((text ?? '').replace(/\u2212/g, '-'));
  return m ? Number(m[0]) : null;
}

/**
 * @typedef {{ t: number; phase: string; method: number | null; methods: number | null; seed: number | null; step: number | null; total: number | null; eta: string | null }} Sample
 *   One look at the run bar, `t` ms after the click.
 * @typedef {{ method: string; label: string; metricText: string; metric: number | null; msPerStepText: string; msPerStep: number | null; done: boolean }} Row
 */

/**
 * One task's comparison, in a fresh context of the browser.
 * @param {import('@playwright/test').Browser} browser
 * @param {string} origin
 * @param {'segmentation' | 'detection'} task
 */
async function compareOn(browser, origin, task) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    const page = await context.newPage();
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && say(`[page ${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => say(`[page error] ${e.message}`));
    const url = `${origin}/?backend=${backend}`;
    say(`${task}: opening ${url}`);
    await page.goto(url);
    // The shipped masks drawn (a mask canvas no longer one colour), as e2e/pageHelpers.ts waitForMasks.
    const waitForMasks = () =>
      page.waitForFunction(
        () => {
          const c = /** @type {HTMLCanvasElement | null} */ (document.querySelector('[data-testid="mask-canvas-0-0"]'));
          if (!c) return false;
          const px = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d')).getImageData(0, 0, c.width, c.height).data;
          for (let i = 4; i < px.length; i += 4) if (px[i] !== px[0] || px[i + 1] !== px[1] || px[i + 2] !== px[2]) return true;
          return false;
        },
        null,
        { timeout: 600_000, polling: 200 },
      );
    await waitForMasks();
    const shown = await page.getByTestId('setup-task').inputValue();
    if (shown !== task) {
      say(`${task}: the page shows ${shown}; choosing ${task} in the Task picker`);
      await page.getByTestId('setup-task').selectOption(task);
      await page.waitForFunction(
        (want) => {
          const s = window.maskd.state();
          return s.task === want && s.demoPhase === 'ready' && (s.teacher?.source ?? '').includes(want);
        },
        task,
        { timeout: 300_000, polling: 200 },
      );
      await waitForMasks();
    }
    const compare = page.getByTestId('run-compare');
    await page.waitForFunction(() => !(/** @type {HTMLButtonElement | null} */ (document.querySelector('[data-testid="run-compare"]'))?.disabled), null, { timeout: 300_000, polling: 200 });
    /** @param {string} id @param {number} v */
    const setField = async (id, v) => {
      const field = page.getByTestId(id);
      await field.fill(String(v));
      if ((await field.inputValue()) !== String(v)) throw new Error(`the ${id} field did not take ${v}`);
    };
    if (steps !== null) await setField('distill-steps', steps);
    if (seeds !== null) await setField('compare-seeds', seeds);
    const badge = page.getByTestId('backend-badge');
    const badgeText = (await page.getByTestId('backend-name').innerText()).trim();
    const setup = await page.evaluate(() => {
      const s = window.maskd.state();
      const d = s.distill;
      const defaults = window.maskd.distillDefaults(s.task);
      const pick = (/** @type {typeof d} */ x) => ({ steps: x.steps, batchSize: x.batchSize, lr: x.lr, evalEvery: x.evalEvery, valCount: x.valCount });
      return {
        task: s.task,
        teacher: s.teacher?.source ?? null,
        studentInit: s.studentInit,
        seed: s.seed,
        methods: [...s.compareMethods],
        seeds: s.compareSeeds,
        distill: pick(d),
        taskDefaults: pick(defaults),
        threads: s.backendStatus?.wasm?.threads ?? null,
        simd: s.backendStatus?.wasm?.simd ?? null,
      };
    });
    const backendShown = { backend: (await badge.getAttribute('data-backend')) ?? '', badge: badgeText, threads: setup.threads, simd: setup.simd };
    say(`${task}: ${backendShown.badge}; ${setup.methods.length} methods × ${setup.distill.steps} steps × batch ${setup.distill.batchSize}, ${setup.seeds} seed(s)${steps !== null ? ' (--steps: not the default budget)' : ''}; pressing Compare methods`);

    // The run bar, looked at every 250 ms from the click on, in the page.
    const load = { start: loadPerCore(), end: 0 };
    await page.evaluate(() => {
      const w = /** @type {any} */ (window);
      w.__benchSamples = [];
      w.__benchClick = performance.now();
      const attr = (/** @type {Element | null} */ el, /** @type {string} */ name) => {
        const v = el?.getAttribute(name);
        return v === null || v === undefined || v === '' ? null : Number(v);
      };
      w.__benchTimer = setInterval(() => {
        const bar = document.querySelector('[data-testid="run-status"]');
        const pos = document.querySelector('[data-testid="run-compare-position"]');
        const step = document.querySelector('[data-testid="run-compare-step"]');
        w.__benchSamples.push({
          t: performance.now() - w.__benchClick,
          phase: bar?.getAttribute('data-phase') ?? '',
          method: attr(pos, 'data-method'),
          methods: attr(pos, 'data-methods'),
          seed: attr(pos, 'data-seed'),
          step: attr(step, 'data-step'),
          total: attr(step, 'data-total'),
          eta: document.querySelector('[data-testid="run-compare-eta"]')?.textContent?.trim() ?? null,
        });
      }, 250);
    });
    await compare.click();
    // The end: the run idle again and every row of the table done (a row per method).
    const endMs = Number(
      await (
        await page.waitForFunction(
          (n) => {
            const w = /** @type {any} */ (window);
            const bar = document.querySelector('[data-testid="run-status"]');
            const table = document.querySelector('[data-testid="compare-table"]');
            if (!table || bar?.getAttribute('data-phase') !== 'idle') return null;
            const rows = table.querySelectorAll('tbody tr[data-testid^="compare-row-"]');
            if (rows.length < n || [...rows].some((r) => r.getAttribute('data-done') !== 'true')) return null;
            return performance.now() - w.__benchClick;
          },
          setup.methods.length,
          { timeout: 3 * 3_600_000, polling: 100 },
        )
      ).jsonValue(),
    );
    load.end = loadPerCore();
    /** @type {Sample[]} */
    const samples = await page.evaluate(() => {
      const w = /** @type {any} */ (window);
      clearInterval(w.__benchTimer);
      return w.__benchSamples;
    });
    // The table as it is shown: the metric's column by its test id, ms/step by its header.
    const table = await page.evaluate(() => {
      const t = document.querySelector('[data-testid="compare-table"]');
      const heads = [...(t?.querySelectorAll('thead th') ?? [])].map((h) => (h.textContent ?? '').trim());
      const msCol = heads.findIndex((h) => /ms\s*\/\s*step/i.test(h));
      const metricCol = heads.findIndex((h) => /^(Test|Val)\b/.test(h));
      const rows = [...(t?.querySelectorAll('tbody tr[data-testid^="compare-row-"]') ?? [])].map((r) => {
        const method = (r.getAttribute('data-testid') ?? '').replace(/^compare-row-/, '');
        const cells = [...r.children];
        return {
          method,
          label: (cells[0]?.textContent ?? '').trim(),
          metricText: (r.querySelector(`[data-testid="compare-metric-${method}"]`)?.textContent ?? '').trim(),
          msPerStepText: msCol >= 0 ? (cells[msCol]?.textContent ?? '').trim() : '',
          done: r.getAttribute('data-done') === 'true',
        };
      });
      const errors = [...document.querySelectorAll('[data-testid^="message-"][data-level="error"]')].map((m) => (m.textContent ?? '').trim());
      return {
        metricHead: metricCol >= 0 ? heads[metricCol] : '',
        starred: t?.getAttribute('data-starred') ?? '',
        caveat: (document.querySelector('[data-testid="compare-caveat"]')?.textContent ?? '').trim(),
        rows,
        errors,
      };
    });
    /** @type {Row[]} */
    const rows = table.rows.map((r) => ({ ...r, metric: parseShown(r.metricText.replace(/★.*$/, '')), msPerStep: parseShown(r.msPerStepText) }));

    // The ETA as the run bar read `--eta-at` s after the click, and the time actually left then.
    const at = samples.find((s) => s.t >= etaAtS * 1000 && s.phase === 'running');
    const etaMs = at ? parseEta(at.eta) : null;
    const actualMs = at ? endMs - at.t : null;
    const eta = at
      ? {
          readAtS: round1(at.t / 1000),
          text: at.eta,
          etaS: etaMs === null ? null : round1(etaMs / 1000),
          actualRemainingS: actualMs === null ? null : round1(actualMs / 1000),
          errorPct: etaMs === null || !actualMs ? null : round1(((etaMs - actualMs) / actualMs) * 100),
          method: at.method,
          methods: at.methods,
          comparisonStep: at.step,
          comparisonTotal: at.total,
        }
      : null;
    // When each method started (its first sample), from the run bar.
    /** @type {{ method: number; seed: number | null; startS: number }[]} */
    const starts = [];
    for (const s of samples) {
      const last = starts[starts.length - 1];
      if (s.method !== null && (!last || last.method !== s.method || last.seed !== s.seed)) starts.push({ method: s.method, seed: s.seed, startS: round1(s.t / 1000) });
    }
    // The ETA's course: its reading every 30 s, beside the time actually left.
    const etaCourse = [];
    for (let k = 30; k * 1000 < endMs; k += 30) {
      const s = samples.find((x) => x.t >= k * 1000 && x.phase === 'running');
      const ms = s ? parseEta(s.eta) : null;
      if (s) etaCourse.push({ atS: round1(s.t / 1000), eta: s.eta, etaS: ms === null ? null : round1(ms / 1000), actualS: round1((endMs - s.t) / 1000) });
    }
    say(`${task}: done in ${(endMs / 1000).toFixed(1)} s${eta ? `; ETA at ${eta.readAtS} s: ${eta.text} vs ${eta.actualRemainingS} s left (${eta.errorPct}%)` : `; the run ended before ${etaAtS} s, no ETA reading`}`);
    return {
      task,
      url: `/?backend=${backend}`,
      backend: backendShown,
      settings: { ...setup, stepsOverridden: steps !== null, seedsOverridden: seeds !== null },
      wallS: round1(endMs / 1000),
      eta,
      etaCourse,
      methodStartsS: starts,
      table: { metricHead: table.metricHead, starred: table.starred, caveat: table.caveat, rows },
      errors: table.errors,
      loadPerCore: { start: round1(load.start), end: round1(load.end) },
    };
  } finally {
    await context.close();
  }
}

const { origin, browser, close } = await serveBuiltApp({ root, outDir, port, reuse: !!args['no-build'], say });
try {
  const runs = [];
  for (const task of tasks) runs.push(await compareOn(browser, origin, task));
  const result = {
    when: new Date().toISOString(),
    chromium: browser.version(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    backendAsked: backend,
    etaAtS,
    runs,
  };
  if (args.json) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));

  const s = (/** @type {number | string | null | undefined} */ x) => (x === null || x === undefined ? '–' : String(x));
  console.log(`\n| Compare methods (Chromium ${result.chromium}, ?backend=${backend}, 1280×720) | backend (badge) | budget | wall | ETA at ${etaAtS} s → actual left (error) | load per core (start → end) |`);
  console.log('|---|---|---|---:|---|---|');
  for (const r of runs) {
    const st = r.settings;
    const budget = `${st.methods.length} methods × ${st.distill.steps} steps × batch ${st.distill.batchSize}, ${st.seeds} seed${st.seeds === 1 ? '' : 's'}${st.stepsOverridden ? ' (--steps)' : ''}`;
    const e = r.eta ? `${s(r.eta.text)} at ${r.eta.readAtS} s → ${s(r.eta.actualRemainingS)} s (${r.eta.errorPct === null ? '–' : `${r.eta.errorPct > 0 ? '+' : ''}${r.eta.errorPct}%`})` : `ended before ${etaAtS} s`;
    console.log(`| ${r.task} | ${r.backend.badge} | ${budget} | ${r.wallS} s | ${e} | ${r.loadPerCore.start} → ${r.loadPerCore.end} |`);
  }
  for (const r of runs) {
    console.log(`\n| ${r.task}: method | ${r.table.metricHead || 'metric'} | ms / step |\n|---|---:|---:|`);
    for (const row of r.table.rows) console.log(`| ${row.label} | ${row.metricText} | ${row.msPerStepText} |`);
  }
  console.log(`\n${result.cpus} × ${result.cpuModel}`);
} finally {
  await close();
}
