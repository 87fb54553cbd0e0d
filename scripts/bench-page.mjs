#!/usr/bin/env node
// How the page feels, as figures (no pass/fail): the built app in headless Chromium on
// `?backend=wasm`, its first paint and first contentful paint, its initial JavaScript (the entry
// chunk and every modulepreload in index.html, raw and gzip -9), and the main thread's long tasks
// (≥ 50 ms, the browser's PerformanceObserver) while Learn masks runs at the page's settings with
// `--steps` steps at batch `--batch` and the ground-truth column shown. With the trace on (default)
// Chrome's `toplevel` trace adds each main-thread task's CPU time beside its wall time: on a loaded
// machine wall time grows with the load, CPU time much less. Wall-clock figures mean something
// only beside the load per core printed with them.
//
//   npm run bench:page [-- --steps 200] [--batch 2] [--port 0] [--no-trace] [--json out.json] [--no-build]
//
// Builds into node_modules/.cache/maskd-bench-page/dist (not dist/, which the default e2e run
// serves) and serves it with `vite preview` on its own port (0: a free one). Prints progress on
// stderr, then the JSON and a Markdown table on stdout.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { serveBuiltApp } from './bench-app.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'node_modules', '.cache', 'maskd-bench-page', 'dist');

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '200' },
    batch: { type: 'string', default: '2' },
    port: { type: 'string', default: '0' },
    json: { type: 'string' },
    'no-trace': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
/** @param {string} name @param {string} v */
function positive(name, v) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: a positive integer, got "${v}"`);
  return n;
}
const steps = positive('steps', args.steps);
const batch = positive('batch', args.batch);
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0) throw new Error(`--port: a port number or 0, got "${args.port}"`);

const t0 = Date.now();
/** @param {string} line */
const say = (line) => process.stderr.write(`[bench-page ${((Date.now() - t0) / 1000).toFixed(0)} s] ${line}\n`);
const loadPerCore = () => os.loadavg()[0] / os.cpus().length;

/**
 * The page's initial JavaScript: the entry module and every modulepreload that index.html names.
 * @param {string} dir
 */
function initialJs(dir) {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  /** @type {{ file: string; kind: 'entry' | 'modulepreload'; bytes: number; gzip: number }[]} */
  const files = [];
  /** @param {string} src @param {'entry' | 'modulepreload'} kind */
  const add = (src, kind) => {
    const data = readFileSync(join(dir, src.replace(/^\//, '')));
    files.push({ file: src, kind, bytes: data.length, gzip: gzipSync(data, { level: 9 }).length });
  };
  for (const m of html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g)) add(m[1], 'entry');
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)) add(m[1], 'modulepreload');
  const sum = (/** @type {'bytes' | 'gzip'} */ k) => files.reduce((n, f) => n + f[k], 0);
  return { files, bytes: sum('bytes'), gzip: sum('gzip') };
}

/**
 * @typedef {{ name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number; args?: { name?: string } }} TraceEvent
 * @typedef {{ start: number; wall: number; cpu: number }} TraceTask
 */

/**
 * The renderer main thread's top-level tasks (`toplevel` category) between two performance.marks.
 * @param {Buffer} trace @param {string} from @param {string} to
 * @returns {TraceTask[]}
 */
function mainThreadTasks(trace, from, to) {
  const parsed = /** @type {{ traceEvents: TraceEvent[] } | TraceEvent[]} */ (JSON.parse(trace.toString('utf8')));
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const a = events.find((e) => e.name === from)?.ts ?? -Infinity;
  const b = events.find((e) => e.name === to)?.ts ?? Infinity;
  return events
    .filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`) && (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask'))
    .filter((e) => e.ts >= a && e.ts <= b)
    .map((e) => ({ start: e.ts / 1000, wall: (e.dur ?? 0) / 1000, cpu: (e.tdur ?? 0) / 1000 }));
}

const { origin, browser, close } = await serveBuiltApp({ root, outDir, port, reuse: !!args['no-build'], say });
const js = initialJs(outDir);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && say(`[page ${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => say(`[page error] ${e.message}`));
  // Long tasks from the first script on, kept in the page.
  await page.addInitScript(() => {
    const w = /** @type {any} */ (window);
    w.__benchLongTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__benchLongTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  const load = { start: loadPerCore(), end: 0 };
  say(`opening ${origin}/?backend=wasm (load per core ${load.start.toFixed(2)})`);
  await page.goto(`${origin}/?backend=wasm`);
  // The first token mask drawn (not a uniform canvas), as e2e/pageHelpers.ts waitForMasks.
  const firstMaskMs = await (
    await page.waitForFunction(
      () => {
        const c = /** @type {HTMLCanvasElement | null} */ (document.querySelector('[data-testid="mask-canvas-0-0"]'));
        if (!c) return null;
        const px = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d')).getImageData(0, 0, c.width, c.height).data;
        for (let i = 4; i < px.length; i += 4) if (px[i] !== px[0] || px[i + 1] !== px[1] || px[i + 2] !== px[2]) return performance.now();
        return null;
      },
      null,
      { timeout: 300_000, polling: 100 },
    )
  ).jsonValue();
  const paint = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime])));
  const loadTasks = /** @type {{ start: number; duration: number }[]} */ (await page.evaluate(() => /** @type {any} */ (window).__benchLongTasks.slice()));
  say(`first mask at ${Math.round(Number(firstMaskMs))} ms; Learn masks, ${steps} steps at batch ${batch}`);

  await page.getByTestId('run-learn-masks').waitFor({ state: 'visible' });
  await page.waitForFunction(() => !(/** @type {HTMLButtonElement | null} */ (document.querySelector('[data-testid="run-learn-masks"]'))?.disabled), null, { timeout: 120_000 });
  await page.getByTestId('gallery-show-truth').check();
  await page.getByTestId('mask-steps').fill(String(steps));
  await page.getByTestId('mask-batch').fill(String(batch));
  const trace = !args['no-trace'];
  if (trace) await browser.startTracing(page, { categories: ['toplevel', 'blink.user_timing'] });
  const runStart = await page.evaluate(() => performance.mark('bench:run:start').startTime);
  await page.getByTestId('run-learn-masks').click();
  const status = page.getByTestId('run-status');
  await page.waitForFunction(
    () => {
      const s = document.querySelector('[data-testid="run-status"]');
      return s?.getAttribute('data-phase') === 'running' || Number(s?.getAttribute('data-step')) > 0;
    },
    null,
    { timeout: 60_000 },
  );
  await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.getAttribute('data-phase') === 'idle', null, { timeout: 3_600_000, polling: 500 });
  // The last snapshot's tiles are painted a few per frame: wait until every tile shows it.
  await page.waitForFunction(
    () => {
      const g = document.querySelector('[data-testid="mask-gallery"]');
      const step = g?.getAttribute('data-step');
      return !!g && [...g.querySelectorAll('canvas')].every((c) => c.dataset.drawnStep === step);
    },
    null,
    { timeout: 60_000 },
  );
  const runEnd = await page.evaluate(() => performance.mark('bench:run:end').startTime);
  const stepsDone = Number(await status.getAttribute('data-step'));
  load.end = loadPerCore();
  const tasks = mainThreadTasks(trace ? await browser.stopTracing() : Buffer.from('[]'), 'bench:run:start', 'bench:run:end');
  const all = /** @type {{ start: number; duration: number }[]} */ (await page.evaluate(() => /** @type {any} */ (window).__benchLongTasks.slice()));
  const during = all.filter((t) => t.start >= runStart && t.start <= runEnd).map((t) => Math.round(t.duration));
  const longest = [...during].sort((a, b) => b - a);
  const byCpu = [...tasks].sort((a, b) => b.cpu - a.cpu);
  const round1 = (/** @type {number} */ x) => Math.round(x * 10) / 10;
  const result = {
    when: new Date().toISOString(),
    chromium: browser.version(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    loadPerCore: { start: round1(load.start), end: round1(load.end) },
    load: {
      firstPaintMs: paint['first-paint'] === undefined ? null : Math.round(paint['first-paint']),
      firstContentfulPaintMs: paint['first-contentful-paint'] === undefined ? null : Math.round(paint['first-contentful-paint']),
      firstMaskMs: Math.round(Number(firstMaskMs)),
      longTasksUntilFirstMask: loadTasks.length,
      longestTaskUntilFirstMaskMs: Math.round(Math.max(0, ...loadTasks.map((t) => t.duration))),
    },
    initialJs: js,
    learnMasks: {
      steps: stepsDone,
      batch,
      wallMs: Math.round(runEnd - runStart),
      longTasks: during.length,
      over50ms: during.filter((d) => d > 50).length,
      over100ms: during.filter((d) => d > 100).length,
      longestMs: longest.slice(0, 10),
      trace: trace
        ? {
            mainThreadTasks: tasks.length,
            cpuOver50ms: tasks.filter((t) => t.cpu > 50).length,
            cpuOver100ms: tasks.filter((t) => t.cpu > 100).length,
            busiest: byCpu.slice(0, 10).map((t) => ({ cpuMs: round1(t.cpu), wallMs: round1(t.wall) })),
          }
        : null,
    },
  };
  if (args.json) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  const kb = (/** @type {number} */ b) => `${(b / 1024).toFixed(1)} KiB`;
  const lm = result.learnMasks;
  const rows = [
    ['first paint / first contentful paint', `${result.load.firstPaintMs} / ${result.load.firstContentfulPaintMs} ms`],
    ['first token mask drawn', `${result.load.firstMaskMs} ms (${result.load.longTasksUntilFirstMask} long tasks before it, longest ${result.load.longestTaskUntilFirstMaskMs} ms)`],
    [`initial JS (${js.files.length} files: entry + modulepreloads)`, `${kb(js.bytes)} raw, ${kb(js.gzip)} gzip -9`],
    ...js.files.map((f) => [`  ${f.kind} ${f.file}`, `${kb(f.bytes)} raw, ${kb(f.gzip)} gzip`]),
    [`Learn masks, ${lm.steps} steps at batch ${lm.batch}`, `${(lm.wallMs / 1000).toFixed(1)} s`],
    ['long tasks (≥ 50 ms) during it', `${lm.longTasks}: ${lm.over50ms} over 50 ms, ${lm.over100ms} over 100 ms`],
    ['longest (wall ms)', lm.longestMs.join(', ') || '–'],
    ...(lm.trace
      ? [
          ['main-thread tasks in the trace', `${lm.trace.mainThreadTasks}: ${lm.trace.cpuOver50ms} over 50 ms CPU, ${lm.trace.cpuOver100ms} over 100 ms CPU`],
          ['busiest by CPU (cpu/wall ms)', lm.trace.busiest.map((t) => `${t.cpuMs}/${t.wallMs}`).join(', ')],
        ]
      : []),
    ['load per core (1-min average, start → end)', `${result.loadPerCore.start} → ${result.loadPerCore.end} (${result.cpus} × ${result.cpuModel})`],
  ];
  console.log(`\n| page (Chromium ${result.chromium}, ?backend=wasm, 1280×720) | |\n|---|---|`);
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
} finally {
  await close();
}
