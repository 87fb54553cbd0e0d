// Which dropped file is what. Layout rules (documented in docs/bring-your-own.md, "Bring your own dataset"):
// - images: .png .jpg .jpeg .webp .bmp .gif;
// - segmentation labels: PNGs inside a folder named labels/, label/, masks/, mask/, annotations/
//   or gt/ (any depth), or PNGs named <base>_label.png / <base>_mask.png; an image and its label
//   share the base name (file name without extension and suffix);
// - detection: exactly one .json file of boxes next to the images (format in boxesJson.ts);
// - images only: neither label PNGs nor a JSON (a label-free dataset);
// - hidden files (.DS_Store, ._x) are skipped; anything else is listed in a warning.
import { DatasetError, type DatasetFile } from './types';
import { clip, quote } from '../../messageQuote';

const IMAGE_EXT = new Set(['png', 'jpg', 'jpeg', 'webp', 'bmp', 'gif']);
const LABEL_DIRS = new Set(['labels', 'label', 'masks', 'mask', 'annotations', 'gt']);
const LABEL_SUFFIX = /_(label|mask)$/i;

export interface Sample {
  /** Base name shared by the image and its label. */
  readonly key: string;
  readonly image: DatasetFile;
}

export interface Layout {
  /** 'images': images without labels (no label PNGs, no boxes JSON). */
  readonly task: 'segmentation' | 'detection' | 'images';
  /** Images sorted by path. */
  readonly images: readonly Sample[];
  /** Segmentation: label file per key. */
  readonly labels: ReadonlyMap<string, DatasetFile>;
  /** Detection: the boxes JSON. */
  readonly boxes: DatasetFile | null;
  readonly ignored: readonly string[];
}

/** "./set/images\\a.png" → "set/images/a.png". */
export function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/** Drops the folder every path starts with (the dropped folder's own name), if there is one. */
export function stripCommonRoot(paths: readonly string[]): string[] {
  const parts = paths.map((p) => p.split('/'));
  if (parts.length === 0 || parts.some((p) => p.length < 2)) return [...paths];
  const root = parts[0][0];
  if (!parts.every((p) => p[0] === root)) return [...paths];
  return parts.map((p) => p.slice(1).join('/'));
}

export function extension(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

function baseName(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? name : name.slice(0, dot);
}

function isHidden(path: string): boolean {
  return path.split('/').some((p) => p.startsWith('.') || p === '__MACOSX') || /(^|\/)(Thumbs\.db|desktop\.ini)$/i.test(path);
}

function isLabelPath(path: string): boolean {
  const dirs = path.split('/').slice(0, -1);
  return extension(path) === 'png' && (dirs.some((d) => LABEL_DIRS.has(d.toLowerCase())) || LABEL_SUFFIX.test(baseName(path)));
}

function labelKey(path: string): string {
  return baseName(path).replace(LABEL_SUFFIX, '');
}

export function classifyFiles(input: readonly DatasetFile[]): Layout {
  const normalized = input.map((f) => ({ ...f, path: normalizePath(f.path) })).filter((f) => !isHidden(f.path));
  const paths = stripCommonRoot(normalized.map((f) => f.path));
  const files = normalized.map((f, i) => ({ ...f, path: paths[i] })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (files.length === 0) throw new DatasetError(null, 'no files were dropped (hidden files are skipped): drop a folder of images with their labels');

  const jsons = files.filter((f) => extension(f.path) === 'json');
  const labelFiles = files.filter((f) => isLabelPath(f.path));
  const imageFiles = files.filter((f) => IMAGE_EXT.has(extension(f.path)) && !isLabelPath(f.path));
  const ignored = files.filter((f) => extension(f.path) !== 'json' && !IMAGE_EXT.has(extension(f.path))).map((f) => f.path);

  if (jsons.length > 1) {
    throw new DatasetError(jsons[1].path, `is a second JSON file (the first is ${clip(jsons[0].path)}): a detection dataset has exactly one JSON of boxes`);
  }
  if (jsons.length === 1 && labelFiles.length > 0) {
    throw new DatasetError(
      jsons[0].path,
      `is a boxes JSON, but label PNGs were dropped too (${clip(labelFiles[0].path)}): drop either label PNGs (segmentation) or one boxes JSON (detection)`,
    );
  }
  if (imageFiles.length === 0) {
    throw new DatasetError(null, `the dataset is empty: no images (.png, .jpg, .jpeg, .webp, .bmp, .gif) among the ${files.length} dropped files`);
  }

  const images: Sample[] = [];
  const seen = new Map<string, string>();
  for (const f of imageFiles) {
    const key = baseName(f.path);
    const prev = seen.get(key);
    if (prev) throw new DatasetError(f.path, `has the same base name as ${clip(prev)}: images must have distinct base names`);
    seen.set(key, f.path);
    images.push({ key, image: f });
  }

  const labels = new Map<string, DatasetFile>();
  for (const f of labelFiles) {
    const key = labelKey(f.path);
    const prev = labels.get(key);
    if (prev) throw new DatasetError(f.path, `is a second label for ${quote(key)} (the first is ${clip(prev.path)})`);
    if (!seen.has(key)) throw new DatasetError(f.path, `is a label without an image: no image named ${clip(key)}.png/.jpg/… was dropped`);
    labels.set(key, f);
  }
  if (labelFiles.length > 0) {
    for (const s of images) {
      if (!labels.has(s.key)) throw new DatasetError(s.image.path, `has no label PNG: expected labels/${clip(s.key)}.png (same base name)`);
    }
  }
  const task = jsons.length ? 'detection' : labelFiles.length ? 'segmentation' : 'images';
  return { task, images, labels, boxes: jsons[0] ?? null, ignored };
}
