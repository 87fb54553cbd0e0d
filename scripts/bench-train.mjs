#!/usr/bin/env node
// Benchmark of whole training steps, per backend, in one run (so the ratios are comparable):
// the segmentation teacher's supervised step, stage 1 (mask learning) and stage 2 with none,
// FitNet, CWD and MasKD, at the page's defaults (64×64, batch 8, 8 tokens, no token-weight branch).
// Browser backends run in headless Chromium on the harness page e2e/harness/train.html (the
// training code itself, not the app's worker); "node-wasm" is tfjs's wasm backend in Node
// (scripts/bench-train-node.ts through tsx). Random-init nets, digit scenes.
//
//   npm run bench:train [-- --backends webgpu,webgl,wasm,node-wasm] [--rows teacher,stage1,none,fitnet,cwd,maskd]
//                          [--steps 3 | --steps webgpu=2,webgl=2,wasm=3,node-wasm=3] [--wasm-threads N]
//                          [--profile] [--json out.json] [--no-build]
//
// Per row and backend: one untimed warm-up step (shader / pipeline compilation), then --steps
// timed steps (default 2 on webgpu and webgl, 3 on wasm), median ms. A step is trainStep() plus
// a read of one variable its optimiser update wrote, so queued GPU work is inside it. The
// backends take turns row by row, so load from other processes hits every column alike.
// --profile adds one step under tf.profile per cell, after the timed ones, and lists the kernels
// that took longest (kernel timers: wasm and cpu always; webgpu with timestamp queries; webgl only
// with its timer-query extension). Prints progress on stderr, then the JSON and a Markdown table.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openAppPage } from './app-session.mjs';

/** @typedef {import('../e2e/harness/trainSteps').BenchRow} BenchRow */
/** @typedef {import('../e2e/harness/trainSteps').RowResult} RowResult */
/** @typedef {import('../src/backends/types').BackendStatus} BackendStatus */
/** @typedef {import('../src/backends/types').WasmSummary} WasmSummary */
/** @typedef {'webgpu' | 'webgl' | 'wasm' | 'cpu'} BrowserBackend */
/** @typedef {BrowserBackend | 'node-wasm'} Column */
/** A cell of the table: the row's result on that column, or why it failed. */
/** @typedef {(RowResult & { error?: undefined }) | { error: string, medianMs?: undefined, profile?: undefined }} Cell */
/** The Node column's answers, one JSON line each (scripts/bench-train-node.ts). */
/** @typedef {{ type: 'ready', backend: string, wasm: WasmSummary, node: string }} NodeReady */
/** @typedef {NodeReady | { type: 'result', result: RowResult } | { type: 'error', message: string }} NodeAnswer */

const root = fileURLToPath(new URL('..', import.meta.url));
/** @type {readonly BenchRow[]} */
const ROWS = ['teacher', 'stage1', 'none', 'fitnet', 'cwd', 'maskd'];
/** @type {Record<BenchRow, string>} */
const ROW_LABELS = {
  teacher: 'teacher, supervised step',
  stage1: 'stage 1, mask learning',
  none: 'stage 2, none',
  fitnet: 'stage 2, FitNet',
  cwd: 'stage 2, CWD',
  maskd: 'stage 2, MasKD',
};
/** @type {readonly BrowserBackend[]} */
const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];
const NODE_WASM = 'node-wasm';
/** @type {Record<Column, string>} */
const COLUMN_TITLES = { webgpu: 'webgpu', webgl: 'webgl', wasm: 'wasm', cpu: 'cpu', [NODE_WASM]: 'wasm (Node)' };
/** @type {Record<Column, number>} */
const DEFAULT_STEPS = { webgpu: 2, webgl: 2, wasm: 3, cpu: 2, [NODE_WASM]: 3 };

const { values: args } = parseArgs({
  options: {
    backends: { type: 'string', default: `webgpu,webgl,wasm,${NODE_WASM}` },
    rows: { type: 'string', default: ROWS.join(',') },
    steps: { type: 'string' },
    json: { type: 'string' },
    port: { type: 'string', default: '0' },
    'wasm-threads': { type: 'string' },
    profile: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
/** @param {string} s */
const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
// Checked just below.
const backends = /** @type {Column[]} */ (list(args.backends));
const rows = /** @type {BenchRow[]} */ (list(args.rows));
for (const b of backends) {
  if (![...BROWSER_BACKENDS, NODE_WASM].includes(b)) throw new Error(`--backends: unknown "${b}"; choose from ${[...BROWSER_BACKENDS, NODE_WASM].join(', ')}`);
}
for (const r of rows) if (!ROWS.includes(r)) throw new Error(`--rows: unknown "${r}"; choose from ${ROWS.join(', ')}`);
if (!backends.length || !rows.length) throw new Error('--backends and --rows need at least one entry each');

/**
 * --steps N (every backend) or --steps webgpu=2,wasm=5 (the others keep their default).
 * @param {string | undefined} spec
 */
function parseSteps(spec) {
  const steps = { ...DEFAULT_STEPS };
  if (spec === undefined) return steps;
  /** @param {string} v @param {string} what */
  const positive = (v, what) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--steps: ${what} must be a positive integer, got "${v}"`);
    return n;
  };
  if (/^\d+$/.test(spec.trim())) {
    const n = positive(spec.trim(), 'the count');
    for (const b of /** @type {Column[]} */ (Object.keys(steps))) steps[b] = n;
    return steps;
  }
  for (const part of list(spec)) {
    const [b, v] = part.split('=');
    if (!(b in steps)) throw new Error(`--steps: unknown backend "${b}"`);
    steps[/** @type {Column} */ (b)] = positive(v, b);
  }
  return steps;
}
const steps = parseSteps(args.steps);
const wasmThreads = args['wasm-threads'];
if (wasmThreads !== undefined && !/^[1-9]\d*$/.test(wasmThreads)) throw new Error(`--wasm-threads: a positive integer, got "${wasmThreads}"`);

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
/** @param {string} line */
const say = (line) => process.stderr.write(`[bench-train ${elapsed()}] ${line}\n`);

/** The Node column: a long-lived tsx child answering one row per request line. */
function startNodeWasm() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-train-node.ts'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  /** @type {{ resolve: (answer: NodeAnswer) => void, reject: (err: Error) => void }[]} */
  const waiting = [];
  /** @type {Error | null} */
  let exitError = null;
  /** @param {Error} err */
  const fail = (err) => {
    exitError = err;
    while (waiting.length) waiting.shift()?.reject(err);
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('@@bench ')) {
      if (line.trim()) process.stderr.write(`  [node stdout] ${line}\n`);
      return;
    }
    /** @type {NodeAnswer} */
    const msg = JSON.parse(line.slice('@@bench '.length));
    const next = waiting.shift();
    if (!next) return;
    if (msg.type === 'error') next.reject(new Error(msg.message));
    else next.resolve(msg);
  });
  child.on('exit', (code, signal) => fail(new Error(`the Node wasm process exited (${signal ?? code})`)));
  child.on('error', fail);
  /** @returns {Promise<NodeAnswer>} */
  const expect = () =>
    new Promise((resolve, reject) => {
      if (exitError) reject(exitError);
      else waiting.push({ resolve, reject });
    });
  // The first answer is the ready line, every later one answers a request (errors reject).
  const ready = /** @type {Promise<NodeReady>} */ (expect());
  return {
    ready,
    /** @param {BenchRow} row @param {number} n @param {boolean} profile @returns {Promise<RowResult>} */
    async run(row, n, profile) {
      const answer = expect();
      child.stdin.write(`${JSON.stringify({ row, steps: n, profile })}\n`);
      return (/** @type {{ type: 'result', result: RowResult }} */ (await answer)).result;
    },
    close() {
      child.stdin.end();
      if (child.exitCode === null) child.kill();
    },
  };
}

const browserBackends = backends.filter((b) => b !== NODE_WASM);
/** @type {import('./app-session.d.mts').AppPage | null} */
let session = null;
/** @type {ReturnType<typeof startNodeWasm> | null} */
let nodeWasm = null;
/** @type {Partial<Record<BrowserBackend, BackendStatus> & Record<'node-wasm', { backend: 'wasm', wasm: WasmSummary, node: string }>>} */
const statuses = {};
/** @type {Partial<Record<Column, string>>} */
const failedToStart = {};
const results = /** @type {Record<BenchRow, Partial<Record<Column, Cell>>>} */ (Object.fromEntries(rows.map((r) => [r, {}])));
/** @type {ReturnType<import('../e2e/harness/train').TrainHarness['environment']> | null} */
let environment = null;
/** @type {ReturnType<import('../e2e/harness/train').TrainHarness['settings']> | null} */
let settings = null;
try {
  if (backends.includes(NODE_WASM)) {
    say('starting wasm in Node (tsx)…');
    nodeWasm = startNodeWasm();
    const ready = await nodeWasm.ready;
    statuses[NODE_WASM] = { backend: 'wasm', wasm: ready.wasm, node: ready.node };
  }
  if (browserBackends.length) {
    say(args['no-build'] ? 'serving dist/ (building only if the harness page is missing)…' : 'building the app and the harness page…');
    session = await openAppPage({
      build: args['no-build'] ? 'if-missing' : 'always',
      port: Number(args.port),
      // The page's wasm gets configureWasmAssets' thread count unless --wasm-threads overrides it.
      path: `/e2e/harness/train.html${wasmThreads ? `?wasmThreads=${wasmThreads}` : ''}`,
      ready: () => window.maskdTrain?.ready,
      log: (line) => say(line),
      onConsole: (m) => {
        const text = m.text();
        if (text.startsWith('bench ')) process.stderr.write(`  [page] ${text.slice(6)}\n`);
        else if (m.type() === 'error' || m.type() === 'warning') say(`[page ${m.type()}] ${text}`);
      },
    });
    environment = await session.page.evaluate(() => window.maskdTrain.environment());
    settings = await session.page.evaluate(() => window.maskdTrain.settings());
    for (const b of browserBackends) {
      try {
        statuses[b] = await session.page.evaluate((name) => window.maskdTrain.activate(name), b);
        say(`${b} started${statuses[b].adapter ? ` (${statuses[b].adapter.description || statuses[b].adapter.architecture})` : ''}${statuses[b].wasm ? ` (${JSON.stringify(statuses[b].wasm)})` : ''}`);
      } catch (err) {
        failedToStart[b] = err instanceof Error ? err.message.split('\n')[0] : String(err);
        say(`${b} did not start: ${failedToStart[b]}`);
      }
    }
  }
  const columns = backends.filter((b) => !(b in failedToStart));
  const total = rows.length * columns.length;
  let done = 0;
  for (const row of rows) {
    for (const b of columns) {
      done++;
      say(`[${done}/${total}] ${ROW_LABELS[row]} on ${COLUMN_TITLES[b]}: warm-up + ${steps[b]} timed steps…`);
      try {
        // A node-wasm column means nodeWasm started, a browser one that the session opened.
        const r =
          b === NODE_WASM
            ? await /** @type {NonNullable<typeof nodeWasm>} */ (nodeWasm).run(row, steps[b], args.profile)
            : await /** @type {NonNullable<typeof session>} */ (session).page.evaluate(
                ([name, rw, n, p]) => window.maskdTrain.run(name, rw, n, p),
                /** @type {[BrowserBackend, BenchRow, number, boolean]} */ ([b, row, steps[b], args.profile]),
              );
        results[row][b] = r;
        say(`[${done}/${total}] ${ROW_LABELS[row]} on ${COLUMN_TITLES[b]}: median ${r.medianMs.toFixed(0)} ms (warm-up ${r.warmupMs.toFixed(0)} ms)`);
      } catch (err) {
        const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
        results[row][b] = { error: message };
        say(`[${done}/${total}] ${ROW_LABELS[row]} on ${COLUMN_TITLES[b]} failed: ${message}`);
      }
    }
  }

  // Report.
  const tfjs = JSON.parse(readFileSync(new URL('../node_modules/@tensorflow/tfjs/package.json', import.meta.url), 'utf8')).version;
  const cpus = os.cpus();
  /** @type {Partial<Record<BenchRow, { fastest: Column, fastestMs: number, overWebgpu: number | null }>>} */
  const speedups = {};
  for (const row of rows) {
    /** @type {[Column, number][]} */
    const timed = columns.filter((b) => Number.isFinite(results[row][b]?.medianMs)).map((b) => [b, /** @type {number} */ (results[row][b]?.medianMs)]);
    if (!timed.length) continue;
    const [fastest, ms] = timed.reduce((a, c) => (c[1] < a[1] ? c : a));
    const webgpu = results[row].webgpu?.medianMs;
    speedups[row] = { fastest, fastestMs: ms, overWebgpu: webgpu !== undefined && Number.isFinite(webgpu) ? webgpu / ms : null };
  }
  /** @type {[BenchRow, Column, RowResult][]} */
  const cells = rows.flatMap((row) =>
    columns.flatMap((b) => {
      const r = results[row][b];
      return r && r.error === undefined ? [/** @type {[BenchRow, Column, RowResult]} */ ([row, b, r])] : [];
    }),
  );
  const notFlat = cells.filter(([, , r]) => !r.tensorsFlat).map(([row, b, r]) => `${row} on ${b}: ${r.numTensors.join(' → ')}`);
  const leftBehind = cells.filter(([, , r]) => r.leftAfterDispose !== 0).map(([row, b, r]) => `${row} on ${b}: ${r.leftAfterDispose}`);
  const report = {
    date: new Date().toISOString(),
    browser: session ? { name: 'Chromium', version: session.browserVersion, userAgent: environment?.userAgent, crossOriginIsolated: environment?.crossOriginIsolated } : null,
    adapter: statuses.webgpu?.adapter ?? null,
    wasm: {
      browser: statuses.wasm?.wasm ? { ...statuses.wasm.wasm, threadsRequested: environment?.wasmThreadsRequested ?? null } : null,
      node: statuses[NODE_WASM]?.wasm ?? null,
    },
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? '',
      hardwareConcurrency: environment?.hardwareConcurrency ?? null,
      loadAverageAtEnd: os.loadavg(),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    tfjs,
    settings,
    steps: Object.fromEntries(columns.map((b) => [b, steps[b]])),
    profiled: args.profile,
    timing:
      'median wall ms of timed steps after one untimed warm-up; a step = trainStep() + a read of one variable its optimiser update wrote; backends take turns per row',
    failedToStart,
    results,
    speedups,
    tensors: { flatAcrossTimedSteps: notFlat.length === 0, notFlat, leftAfterDispose: leftBehind },
    totalSeconds: Math.round((Date.now() - t0) / 1000),
  };
  const json = JSON.stringify(report, null, 2);
  console.log(json);
  if (args.json) writeFileSync(args.json, `${json}\n`);

  /** @param {Cell | undefined} r */
  const fmt = (r) => (!r ? '–' : r.error !== undefined ? 'failed' : r.medianMs >= 100 ? r.medianMs.toFixed(0) : r.medianMs.toFixed(1));
  const lines = [];
  const adapter = report.adapter;
  /** @param {number} n */
  const plural = (n) => `${n} thread${n === 1 ? '' : 's'}`;
  // The threaded build's getThreadsCount() said 1 whatever it was given; the count handed to it is shown too.
  /** @param {(WasmSummary & { threadsRequested?: number | null }) | null} w */
  const wasmDesc = (w) =>
    w
      ? `${w.simd ? 'SIMD' : 'no SIMD'}, ${w.multithread ? `threaded build, ${plural(w.threadsRequested ?? w.threads)} requested (getThreadsCount ${w.threads})` : plural(w.threads)}`
      : '';
  lines.push(
    `ms per training step, median of the timed steps after one warm-up, ${report.date.slice(0, 10)}, ` +
      [
        session ? `Chromium ${session.browserVersion}` : null,
        adapter ? `WebGPU adapter ${adapter.architecture || adapter.vendor || '?'} (${adapter.description || adapter.vendor})` : null,
        report.wasm.browser ? `wasm in the page ${wasmDesc(report.wasm.browser)}` : null,
        report.wasm.node ? `wasm in Node ${wasmDesc(report.wasm.node)}` : null,
        `${cpus.length} CPUs`,
        `tfjs ${tfjs}`,
      ]
        .filter(Boolean)
        .join(', ') +
      `. Timed steps: ${columns.map((b) => `${COLUMN_TITLES[b]} ${steps[b]}`).join(', ')}.`,
  );
  lines.push('');
  const hasWebgpu = columns.includes('webgpu');
  lines.push(`| step (segmentation, 64×64, batch 8) | ${columns.map((b) => COLUMN_TITLES[b]).join(' | ')} |${hasWebgpu ? ' fastest vs webgpu |' : ''}`);
  lines.push(`|---|${columns.map(() => '---:').join('|')}|${hasWebgpu ? '---:|' : ''}`);
  for (const row of rows) {
    const s = speedups[row];
    const speed = s && s.overWebgpu !== null ? `${COLUMN_TITLES[s.fastest]} ${s.overWebgpu.toFixed(1)}×` : '–';
    lines.push(`| ${ROW_LABELS[row]} | ${columns.map((b) => fmt(results[row][b])).join(' | ')} |${hasWebgpu ? ` ${speed} |` : ''}`);
  }
  lines.push('');
  lines.push(
    notFlat.length
      ? `tf.memory().numTensors NOT flat across timed steps: ${notFlat.join('; ')}.`
      : 'tf.memory().numTensors was flat across the timed steps of every cell.',
  );
  lines.push(leftBehind.length ? `Tensors left after disposing a configuration: ${leftBehind.join('; ')}.` : 'Nothing was left behind after disposing each configuration.');
  const failures = [
    ...Object.entries(failedToStart).map(([b, m]) => `${b} did not start: ${m}`),
    ...rows.flatMap((row) => columns.filter((b) => results[row][b]?.error).map((b) => `${row} on ${b}: ${results[row][b]?.error}`)),
  ];
  if (failures.length) lines.push(`Failures: ${failures.join('; ')}.`);
  if (args.profile) {
    lines.push('');
    lines.push('Longest kernels of one profiled step (share of the summed kernel time, total ms over calls):');
    lines.push('');
    for (const row of rows) {
      for (const b of columns) {
        const p = results[row][b]?.profile;
        if (!p) continue;
        const kernelMs = p.kernelMs; // (a local const stays narrowed inside the map callback)
        const kernels =
          kernelMs === null
            ? `no kernel timers (${p.error ?? 'unknown'}); ${p.kernelCalls} kernel calls`
            : p.top
                .slice(0, 4)
                .map((k) => `${k.name} ${((100 * k.ms) / kernelMs).toFixed(0)}% (${k.ms.toFixed(0)} ms / ${k.calls})`)
                .join(', ') + `; kernels ${kernelMs.toFixed(0)} ms of a ${p.wallMs.toFixed(0)} ms profiled step, ${p.kernelCalls} calls`;
        /** @param {readonly (readonly number[])[]} list */
        const shapes = (list) => list.map((s) => `[${s.join(',')}]`).join(' ');
        const longest = (p.longestCalls ?? [])
          .slice(0, 3)
          .map((c) => `${c.name} ${c.ms.toFixed(0)} ms ${shapes(c.inputShapes)} → ${shapes(c.outputShapes)}`)
          .join(', ');
        lines.push(`- ${ROW_LABELS[row]}, ${COLUMN_TITLES[b]}: ${kernels}${longest ? `. Longest calls: ${longest}` : ''}`);
      }
    }
  }
  lines.push(`Total ${report.totalSeconds} s.`);
  console.log(`\n${lines.join('\n')}`);
} finally {
  nodeWasm?.close();
  await session?.close();
}
