// Dataset fixtures for the tests, made at test time: a valid segmentation set, a valid detection
// set, and one broken set per kind of bad input the loader must name. PNGs are written with
// fast-png, so label values are exact.
//
//   node scripts/make-dataset-fixtures.mjs [outDir]    (default e2e/.artifacts/datasets)
//
// Each set is a folder <outDir>/<name>/ laid out as a user would drop it. `makeDatasetFixtures()`
// returns the same sets in memory ({ name: [{ path, data }] }) for Node tests.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from 'fast-png';

/** @typedef {import('./make-dataset-fixtures.d.mts').FixtureFile} FixtureFile */
/** @typedef {import('./make-dataset-fixtures.d.mts').FixtureSet} FixtureSet */
/** @typedef {ReturnType<typeof makeScene>['boxes'][number]} Box */
/** @typedef {{ classes: string[], images: Record<string, Box[]> }} BoxesJson */

export const FIXTURE_SIZE = 40;
export const FIXTURE_IMAGES = 10;
/** Classes of the fixtures: 0 background, 1 square, 2 disc. */
export const FIXTURE_CLASSES = ['square', 'disc'];

/**
 * mulberry32: a tiny seeded generator, enough for test pictures.
 * @param {number} seed
 */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One picture: noisy background, a square (class 1) and a disc (class 2) in random colours.
 * @param {number} seed
 */
export function makeScene(seed, size = FIXTURE_SIZE) {
  const r = rng(seed);
  const image = new Uint8Array(size * size * 3);
  const labels = new Uint8Array(size * size);
  const bg = [r() * 120, r() * 120, r() * 120];
  for (let i = 0; i < size * size; i++) for (let c = 0; c < 3; c++) image[i * 3 + c] = Math.round(bg[c] + r() * 30);
  const boxes = [];
  const side = 8 + Math.floor(r() * 8);
  const sx = Math.floor(r() * (size / 2 - side));
  const sy = Math.floor(r() * (size - side));
  const rad = 4 + Math.floor(r() * 4);
  const cx = Math.floor(size / 2 + rad + r() * (size / 2 - 2 * rad));
  const cy = Math.floor(rad + r() * (size - 2 * rad));
  const colA = [160 + r() * 95, 160 + r() * 95, r() * 60];
  const colB = [r() * 60, 160 + r() * 95, 160 + r() * 95];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      let cls = 0;
      if (x >= sx && x < sx + side && y >= sy && y < sy + side) cls = 1;
      if ((x - cx + 0.5) ** 2 + (y - cy + 0.5) ** 2 <= rad * rad) cls = 2;
      if (cls === 0) continue;
      const col = cls === 1 ? colA : colB;
      for (let c = 0; c < 3; c++) image[p * 3 + c] = Math.round(col[c]);
      labels[p] = cls;
    }
  }
  boxes.push({ x0: sx, y0: sy, x1: sx + side, y1: sy + side, class: 0 });
  boxes.push({ x0: cx - rad, y0: cy - rad, x1: cx + rad, y1: cy + rad, class: 'disc' });
  return { image, labels, boxes };
}

/** @param {number} width @param {number} height @param {Uint8Array} data @param {number} channels */
const png = (width, height, data, channels) => encode({ width, height, data, channels, depth: 8 });
/** @param {Uint8Array} u8 from TextEncoder or fast-png: a plain ArrayBuffer under it, never a shared one */
const bytes = (u8) => /** @type {ArrayBuffer} */ (u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength));
/** @param {string} s */
const text = (s) => bytes(new TextEncoder().encode(s));
/** @param {string} path @param {Uint8Array | ArrayBuffer} data @returns {FixtureFile} */
const file = (path, data) => ({ path, data: data instanceof Uint8Array ? bytes(data) : data });

/** @param {string} root */
function segSet(root, count = FIXTURE_IMAGES) {
  /** @type {FixtureFile[]} */
  const files = [];
  for (let i = 0; i < count; i++) {
    const s = makeScene(100 + i);
    const name = `img${String(i).padStart(2, '0')}`;
    files.push(file(`${root}/images/${name}.png`, png(FIXTURE_SIZE, FIXTURE_SIZE, s.image, 3)));
    files.push(file(`${root}/labels/${name}.png`, png(FIXTURE_SIZE, FIXTURE_SIZE, s.labels, 1)));
  }
  return files;
}

/**
 * @param {string} root
 * @param {number} [count]
 * @param {(json: BoxesJson) => unknown} [edit] what boxes.json holds: a string as is, else its JSON
 */
function detSet(root, count = FIXTURE_IMAGES, edit = (json) => json) {
  /** @type {FixtureFile[]} */
  const files = [];
  /** @type {BoxesJson} */
  const json = { classes: [...FIXTURE_CLASSES], images: {} };
  for (let i = 0; i < count; i++) {
    const s = makeScene(200 + i);
    const name = `img${String(i).padStart(2, '0')}.png`;
    files.push(file(`${root}/${name}`, png(FIXTURE_SIZE, FIXTURE_SIZE, s.image, 3)));
    json.images[name] = s.boxes;
  }
  const edited = edit(json);
  files.push(file(`${root}/boxes.json`, typeof edited === 'string' ? text(edited) : text(JSON.stringify(edited, null, 1))));
  return files;
}

/** @param {FixtureFile[]} files @param {string} path @param {Uint8Array | ArrayBuffer} data */
const replace = (files, path, data) => files.map((f) => (f.path === path ? file(path, data) : f));

/**
 * Every set, by name. `expect` is a pattern the loader's message must match for broken sets
 * (the file it names and the problem), null for the valid ones.
 */
export function makeDatasetFixtures() {
  /** @type {Record<string, FixtureSet>} */
  const sets = {};
  /** @param {string} name @param {FixtureFile[]} files @param {string | null} expect */
  const add = (name, files, expect) => (sets[name] = { files, expect });
  add('seg-valid', segSet('seg-valid'), null);
  add('det-valid', detSet('det-valid'), null);
  // A folder of images without labels: valid, used label-free.
  add('images-only', segSet('images-only').filter((f) => !f.path.includes('/labels/')).map((f) => file(f.path.replace('/images/', '/'), f.data)), null);

  const grey = new Uint8Array(FIXTURE_SIZE * FIXTURE_SIZE);
  add('seg-missing-label', segSet('seg-missing-label').filter((f) => f.path !== 'seg-missing-label/labels/img03.png'),
    'images/img03\\.png: has no label PNG');
  add('seg-orphan-label', [...segSet('seg-orphan-label'), file('seg-orphan-label/labels/extra.png', png(FIXTURE_SIZE, FIXTURE_SIZE, grey, 1))],
    'labels/extra\\.png: is a label without an image');
  const outOfRange = makeScene(103).labels.slice();
  outOfRange[5 * FIXTURE_SIZE + 7] = 200;
  add('seg-class-out-of-range', replace(segSet('seg-class-out-of-range'), 'seg-class-out-of-range/labels/img03.png', png(FIXTURE_SIZE, FIXTURE_SIZE, outOfRange, 1)),
    'labels/img03\\.png: has class id 200 at pixel \\(7, 5\\)');
  const rgbLabel = new Uint8Array(FIXTURE_SIZE * FIXTURE_SIZE * 3);
  rgbLabel.set([255, 0, 0], (2 * FIXTURE_SIZE + 3) * 3);
  add('seg-rgb-label', replace(segSet('seg-rgb-label'), 'seg-rgb-label/labels/img02.png', png(FIXTURE_SIZE, FIXTURE_SIZE, rgbLabel, 3)),
    'labels/img02\\.png: is a colour \\(RGB\\) label map: pixel \\(3, 2\\) is \\(255, 0, 0\\)');
  add('seg-size-mismatch', replace(segSet('seg-size-mismatch'), 'seg-size-mismatch/labels/img01.png', png(20, 20, new Uint8Array(400), 1)),
    'labels/img01\\.png: is 20×20 but its image images/img01\\.png is 40×40');
  add('seg-unreadable-image', replace(segSet('seg-unreadable-image'), 'seg-unreadable-image/images/img04.png', text('this is not a picture')),
    'images/img04\\.png: is named \\.png but is not a PNG file');
  add('det-invalid-json', detSet('det-invalid-json', FIXTURE_IMAGES, () => '{"classes": ["square", "disc"], "images": {'),
    'boxes\\.json: is not valid JSON');
  add('det-bad-schema', detSet('det-bad-schema', FIXTURE_IMAGES, (j) => ({ images: j.images })),
    'boxes\\.json: "classes" must be a non-empty array');
  add('det-box-outside', detSet('det-box-outside', FIXTURE_IMAGES, (j) => {
    j.images['img05.png'][0] = { x0: 30, y0: 2, x1: 52, y1: 12, class: 0 };
    return j;
  }), 'boxes\\.json: box 0 of img05\\.png \\(x0 30, y0 2, x1 52, y1 12\\) lies outside the 40×40 image');
  add('det-unknown-file', detSet('det-unknown-file', FIXTURE_IMAGES, (j) => {
    j.images['ghost.png'] = [];
    return j;
  }), 'boxes\\.json: lists "ghost\\.png", but no such image was dropped');
  add('empty', [file('empty/README.txt', text('nothing here'))], 'the dataset is empty');
  add('too-few', segSet('too-few', 1), 'the dataset has 1 image: at least 2 are needed');
  return sets;
}

/** @param {string} outDir */
export function writeDatasetFixtures(outDir) {
  rmSync(outDir, { recursive: true, force: true });
  const sets = makeDatasetFixtures();
  for (const { files } of Object.values(sets)) {
    for (const f of files) {
      const path = join(outDir, f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, new Uint8Array(f.data));
    }
  }
  writeFileSync(join(outDir, 'expect.json'), JSON.stringify(Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, v.expect])), null, 1));
  return sets;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? 'e2e/.artifacts/datasets');
  const sets = writeDatasetFixtures(out);
  console.log(`wrote ${Object.keys(sets).length} dataset fixtures to ${out}`);
}
