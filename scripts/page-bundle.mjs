// The page's initial JavaScript in a built dist/: the entry chunk of index.html, every
// <link rel="modulepreload">, and every chunk those import statically (what the browser loads
// before the page can paint), with raw and gzip sizes, and whether any of it holds TensorFlow.js.
// docs/architecture.md: "The page's bundle holds no TensorFlow.js." Dynamic import() chunks (the console's `maskd.tf()`) and worker chunks are not
// initial and are not counted.
//
//   node scripts/page-bundle.mjs [dist]     prints the table; exits 1 when TF.js is in it
//
// e2e/bundle.spec.ts runs the same check on the build the browser tests serve.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** @typedef {import('./page-bundle.d.mts').BundleFile} BundleFile */

/**
 * Strings that only TensorFlow.js carries, in any of its builds (minifiers keep string literals):
 * a tfjs-core flag, kernel names of tfjs-core's registry, and one flag of each backend package.
 * Any one of them in the page's initial JS means TF.js came back.
 */
export const TFJS_MARKERS = Object.freeze([
  'TENSORLIKE_CHECK_SHAPE_CONSISTENCY', // tfjs-core: environment flag
  'Conv2DBackpropFilter', // tfjs-core: kernel name
  'FusedDepthwiseConv2D', // tfjs-core: kernel name
  'WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', // tfjs-backend-webgpu: flag
  'WEBGL_FORCE_F16_TEXTURES', // tfjs-backend-webgl: flag
  'WASM_HAS_SIMD_SUPPORT', // tfjs-backend-wasm: flag
]);

/**
 * The markers that `text` holds.
 * @param {string} text
 */
export function tfjsMarkersIn(text) {
  return TFJS_MARKERS.filter((m) => text.includes(m));
}

/**
 * Entry script and modulepreload hrefs of an index.html, in document order.
 * @param {string} html
 */
export function initialHrefs(html) {
  const entry = [...html.matchAll(/<script\b[^>]*\btype=["']module["'][^>]*\bsrc=["']([^"']+)["']/g)].map((m) => m[1]);
  const preloads = [...html.matchAll(/<link\b[^>]*\brel=["']modulepreload["'][^>]*\bhref=["']([^"']+)["']/g)].map((m) => m[1]);
  return { entry, preloads };
}

/**
 * Relative specifiers a chunk imports statically (`import … from"./x.js"`, `import"./x.js"`, `export … from`); not import().
 * @param {string} code
 */
export function staticImports(code) {
  /** @type {Set<string>} */
  const out = new Set();
  for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{][^'"`;]*?from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) out.add(m[1]);
  return [...out];
}

/** @param {Buffer} buf */
const gzipSize = (buf) => gzipSync(buf, { level: 9 }).length;

/**
 * The page's initial JS in `dist`: each file once, with why it loads (entry, modulepreload, or
 * imported by another), its raw and gzip bytes and the TF.js markers it holds.
 * @param {string} dist
 */
export function pageBundle(dist) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const { entry, preloads } = initialHrefs(html);
  if (entry.length === 0) throw new Error(`${dist}/index.html has no <script type="module" src>`);
  /** @type {Map<string, BundleFile>} */
  const files = new Map();
  /** @param {string} href */
  const toPath = (href) => href.replace(/^\//, '').split('?')[0];
  const queue = /** @type {[file: string, why: string][]} */ ([...entry.map((h) => [toPath(h), 'entry']), ...preloads.map((h) => [toPath(h), 'modulepreload'])]);
  while (queue.length) {
    const [file, why] = /** @type {[string, string]} */ (queue.shift());
    if (files.has(file) || !file.endsWith('.js')) continue;
    const buf = readFileSync(join(dist, file));
    const code = buf.toString('utf8');
    files.set(file, { file, why, raw: buf.length, gzip: gzipSize(buf), markers: tfjsMarkersIn(code) });
    for (const spec of staticImports(code)) queue.push([posix.join(posix.dirname(file), spec), `imported by ${file}`]);
  }
  const list = [...files.values()];
  /** @param {'raw' | 'gzip'} k */
  const sum = (k) => list.reduce((a, f) => a + f[k], 0);
  return { files: list, raw: sum('raw'), gzip: sum('gzip'), tfjs: list.filter((f) => f.markers.length > 0) };
}

/**
 * The training worker's chunk: where TF.js must be. Checked so the markers stay meaningful (a TF.js
 * release that renamed them all would otherwise make the page check pass vacuously).
 * @param {string} dist
 */
export function workerChunk(dist) {
  const assets = join(dist, 'assets');
  const name = readdirSync(assets).find((f) => /^worker-[\w-]+\.js$/.test(f));
  if (!name) return null;
  const buf = readFileSync(join(assets, name));
  return { file: `assets/${name}`, raw: buf.length, markers: tfjsMarkersIn(buf.toString('utf8')) };
}

/** @param {number} n */
const kB = (n) => `${(n / 1000).toFixed(2)} kB`;

/**
 * A printable report; `ok` false when TF.js is in the page's initial JS or missing from the worker.
 * @param {string} dist
 */
export function report(dist) {
  const page = pageBundle(dist);
  const worker = workerChunk(dist);
  const lines = page.files.map((f) => `  ${f.file.padEnd(44)} ${kB(f.raw).padStart(11)}  gzip ${kB(f.gzip).padStart(10)}  ${f.why}${f.markers.length ? `  TF.js: ${f.markers.join(', ')}` : ''}`);
  lines.push(`  ${'page initial JS'.padEnd(44)} ${kB(page.raw).padStart(11)}  gzip ${kB(page.gzip).padStart(10)}  (${page.files.length} files)`);
  const problems = page.tfjs.map((f) => `TensorFlow.js is in the page's initial JS: ${f.file} (${f.why}) holds ${f.markers.join(', ')}`);
  if (!worker) problems.push(`no worker chunk (assets/worker-*.js) in ${dist}`);
  else {
    lines.push(`  ${worker.file.padEnd(44)} ${kB(worker.raw).padStart(11)}  worker chunk, TF.js markers: ${worker.markers.length}/${TFJS_MARKERS.length}`);
    if (worker.markers.length === 0) problems.push(`the worker chunk ${worker.file} holds none of the TF.js markers: update TFJS_MARKERS`);
  }
  return { ok: problems.length === 0, text: lines.join('\n'), problems, page, worker };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'));
  if (!existsSync(join(dist, 'index.html'))) {
    console.error(`no ${dist}/index.html: run npm run build first`);
    process.exit(2);
  }
  const r = report(dist);
  console.log(`${dist}\n${r.text}`);
  for (const p of r.problems) console.error(p);
  process.exit(r.ok ? 0 : 1);
}
