// The detection dataset's JSON of boxes. Format (one file next to the images):
//
//   {
//     "classes": ["cat", "dog"],
//     "images": {
//       "a.png": [{ "x0": 4, "y0": 10, "x1": 30, "y1": 42, "class": 0 }],
//       "b.jpg": [{ "x0": 0, "y0": 0, "x1": 12, "y1": 12, "class": "dog" }],
//       "c.png": []
//     }
//   }
//
// Boxes are in pixels of the source image, edges continuous: a box covers x0 ≤ x < x1,
// y0 ≤ y < y1, so 0 ≤ x0 < x1 ≤ width and 0 ≤ y0 < y1 ≤ height. "class" is an index into
// "classes" or one of its names. Keys are image paths relative to the JSON's folder (or bare file
// names when those are unique). Every image must have an entry ([] for no objects).
import type { Box } from '../boxes';
import { LIMITS, limitText } from '../../limits';
import { formatByteCount, groupDigits } from '../../messageNumbers';
import { DatasetError } from './types';
import { errorText } from '../../errorText';
import { clip, quote, valueText } from '../../messageQuote';

export interface BoxesFile {
  readonly classes: readonly string[];
  /** Entry key as written → its boxes (classes resolved to indices; not yet checked against image size). */
  readonly images: ReadonlyMap<string, readonly Box[]>;
}

/** A key as messages quote it: long keys are cut (a key is a file name, not a paragraph). */
const shortKey = (key: string): string => clip(key);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseBoxesJson(path: string, data: ArrayBuffer): BoxesFile {
  if (data.byteLength > LIMITS.boxesJsonBytes.value) {
    throw new DatasetError(path, `is ${formatByteCount(data.byteLength)}, over ${limitText('boxesJsonBytes')} on ${LIMITS.boxesJsonBytes.what}; it was not parsed`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch (err) {
    throw new DatasetError(path, `is not valid JSON (${errorText(err)})`);
  }
  if (!isObject(json)) throw new DatasetError(path, 'must be a JSON object with "classes" and "images"');
  const { classes, images } = json;
  if (!Array.isArray(classes) || classes.length === 0) {
    throw new DatasetError(path, '"classes" must be a non-empty array of class names (strings)');
  }
  // Counted before anything looks at the names: every later step is linear in them.
  if (classes.length > LIMITS.classes.value) {
    throw new DatasetError(path, `"classes" lists ${groupDigits(classes.length)} names, over ${limitText('classes')} on ${LIMITS.classes.what}`);
  }
  const index = new Map<string, number>();
  classes.forEach((c: unknown, i) => {
    if (typeof c !== 'string' || c.length === 0) throw new DatasetError(path, '"classes" must be a non-empty array of class names (strings)');
    if (c.length > LIMITS.classNameChars.value) {
      throw new DatasetError(path, `"classes"[${i}] is ${groupDigits(c.length)} characters long, over ${limitText('classNameChars')} on ${LIMITS.classNameChars.what}`);
    }
    if (index.has(c)) throw new DatasetError(path, `"classes" names "${shortKey(c)}" twice`);
    index.set(c, i);
  });
  if (!isObject(images)) throw new DatasetError(path, '"images" must be an object mapping image file names to arrays of boxes');
  const keys = Object.keys(images);
  if (keys.length > LIMITS.datasetFiles.value) {
    throw new DatasetError(path, `"images" lists ${groupDigits(keys.length)} entries, more than a drop may hold files (${limitText('datasetFiles')})`);
  }
  const out = new Map<string, Box[]>();
  for (const key of keys) {
    const list = images[key];
    if (!Array.isArray(list)) throw new DatasetError(path, `images["${shortKey(key)}"] must be an array of boxes ([] for an image without objects)`);
    if (list.length > LIMITS.boxesPerImage.value) {
      throw new DatasetError(path, `images["${shortKey(key)}"] lists ${groupDigits(list.length)} boxes, over ${limitText('boxesPerImage')} on ${LIMITS.boxesPerImage.what}`);
    }
    out.set(
      key,
      list.map((b, i) => parseBox(path, key, i, b, index)),
    );
  }
  return { classes: classes as string[], images: out };
}

function parseBox(path: string, key: string, i: number, b: unknown, classes: ReadonlyMap<string, number>): Box {
  const where = `images["${shortKey(key)}"][${i}]`;
  if (!isObject(b)) throw new DatasetError(path, `${where} must be an object {x0, y0, x1, y1, class}`);
  const num = (k: string): number => {
    const v = b[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new DatasetError(path, `${where}.${k} must be a finite number, got ${valueText(v, 40)}`);
    return v;
  };
  const x0 = num('x0');
  const y0 = num('y0');
  const x1 = num('x1');
  const y1 = num('y1');
  if (!(x1 > x0 && y1 > y0)) throw new DatasetError(path, `${where} is empty or inverted (x0 ${x0}, x1 ${x1}, y0 ${y0}, y1 ${y1}): need x0 < x1 and y0 < y1`);
  const c = b.class;
  let cls: number;
  if (typeof c === 'number' && Number.isInteger(c) && c >= 0 && c < classes.size) cls = c;
  else if (typeof c === 'string' && classes.has(c)) cls = classes.get(c) as number;
  else throw new DatasetError(path, `${where}.class ${valueText(c, 40)} is not one of "classes" (an index 0..${classes.size - 1} or a name)`);
  return { x0, y0, x1, y1, cls };
}

/** The boxes of each image, keys matched to image paths (relative to `jsonDir`) or unique base names. */
export function matchBoxes(
  path: string,
  file: BoxesFile,
  jsonDir: string,
  imagePaths: readonly string[],
): Map<string, readonly Box[]> {
  const rel = (p: string) => (jsonDir && p.startsWith(`${jsonDir}/`) ? p.slice(jsonDir.length + 1) : p);
  const byRel = new Map(imagePaths.map((p) => [rel(p), p]));
  const byName = new Map<string, string | null>();
  for (const p of imagePaths) {
    const name = p.slice(p.lastIndexOf('/') + 1);
    byName.set(name, byName.has(name) ? null : p);
  }
  const out = new Map<string, readonly Box[]>();
  for (const [key, boxes] of file.images) {
    const k = key.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
    const image = byRel.get(k) ?? byName.get(k) ?? null;
    if (!image) throw new DatasetError(path, `lists ${quote(key)}, but no such image was dropped`);
    if (out.has(image)) throw new DatasetError(path, `lists ${clip(image)} twice`);
    out.set(image, boxes);
  }
  for (const p of imagePaths) {
    if (!out.has(p)) throw new DatasetError(p, `has no entry in ${clip(path)}: list it under "images" ([] if it has no objects)`);
  }
  return out;
}

/** Throws when a box leaves its image. */
export function checkBoxesInside(path: string, image: string, boxes: readonly Box[], width: number, height: number): void {
  boxes.forEach((b, i) => {
    if (b.x0 < 0 || b.y0 < 0 || b.x1 > width || b.y1 > height) {
      throw new DatasetError(
        path,
        `box ${i} of ${image} (x0 ${b.x0}, y0 ${b.y0}, x1 ${b.x1}, y1 ${b.y1}) lies outside the ${width}×${height} image`,
      );
    }
  });
}
