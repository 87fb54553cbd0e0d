// Dropped files → a validated, resized, split dataset of Scenes. Every problem a user can cause
// throws a DatasetError naming the file and the problem; nothing is kept from a failed parse.
import type { Box } from '../boxes';
import type { Scene } from '../scenes';
import { checkBoxesInside, matchBoxes, parseBoxesJson } from './boxesJson';
import { checkDatasetFiles, checkDecodeWork, checkSampleBudget } from './budget';
import { LoadPacer } from './loadPacer';
import { checkImageSize, checkedImageHeader } from './imageHeader';
import { classifyFiles, extension, type Layout } from './layout';
import { decodeLabelPng, decodePngImage, isPng } from './png';
import { resizeBilinearRgb, resizeNearestLabels, scaleBoxes } from './resize';
import { splitTrainVal } from './split';
import { DatasetError, type CustomDataset, type DatasetFile, type ParseOptions, type RgbImage } from './types';
import { errorText } from '../../errorText';

import { LIMITS } from '../../limits';

const MAX_CLASSES = LIMITS.classes.value;

export const DEFAULT_INPUT_SIZE = 64;
export const DEFAULT_VAL_FRACTION = 0.2;

export async function decodeAnyImage(file: DatasetFile, options: ParseOptions): Promise<RgbImage> {
  if (isPng(file.data)) return decodePngImage(file);
  if (extension(file.path) === 'png') throw new DatasetError(file.path, 'is named .png but is not a PNG file (bad signature)');
  if (!options.decodeImage) {
    throw new DatasetError(file.path, `is a .${extension(file.path)} image, and only PNG images can be decoded here (no browser image decoder)`);
  }
  // The browser's decoder allocates what the header declares: read and check it first.
  const header = checkedImageHeader(file.path, file.data, 'image');
  let img: RgbImage;
  try {
    img = await options.decodeImage(file);
  } catch (err) {
    throw new DatasetError(file.path, `cannot be decoded as an image (${errorText(err)})`);
  }
  if (img.width * img.height === 0) throw new DatasetError(file.path, 'is an empty (0-pixel) image');
  // EXIF orientation may swap the sides; anything else means the header lied.
  checkImageSize(file.path, { format: header.format, width: img.width, height: img.height }, 'image', true);
  return img;
}

interface Decoded {
  readonly path: string;
  readonly height: number;
  readonly width: number;
  readonly scene: Scene;
}

export async function parseDataset(files: readonly DatasetFile[], options: ParseOptions = {}): Promise<CustomDataset> {
  const size = options.inputSize ?? DEFAULT_INPUT_SIZE;
  if (!Number.isInteger(size) || size < 8 || size > 512 || size % 4 !== 0) {
    throw new DatasetError(null, `the input size must be a multiple of 4 between 8 and 512, got ${size}`);
  }
  checkDatasetFiles(files.map((f) => ({ path: f.path, size: f.data.byteLength })));
  const layout = classifyFiles(files);
  checkSampleBudget(layout.images.length, size);
  // The whole drop's decode work, from the headers, before the first image is decoded.
  checkDecodeWork([...layout.images.map((s) => ({ file: s.image, what: 'image' })), ...[...layout.labels.values()].map((file) => ({ file, what: 'label map' }))]);
  const pacer = new LoadPacer(options.onProgress, options.signal);
  pacer.check();
  const warnings: string[] = [];
  if (layout.ignored.length) {
    const list = layout.ignored.slice(0, 3).join(', ') + (layout.ignored.length > 3 ? `, … (${layout.ignored.length} in all)` : '');
    warnings.push(`ignored files that are neither images nor labels: ${list}`);
  }
  const parsed =
    layout.task === 'segmentation'
      ? await parseSegmentation(layout, size, options, pacer)
      : layout.task === 'detection'
        ? await parseDetection(layout, size, options, pacer)
        : await parseImagesOnly(layout, size, options, pacer);
  const { decoded, numClasses, classNames, classCounts } = parsed;
  warnings.push(...parsed.warnings);
  const split = splitTrainVal(decoded.length, options.valFraction ?? DEFAULT_VAL_FRACTION, options.seed ?? 1);
  if (decoded.some((d) => d.width !== d.height)) warnings.push(`non-square images are stretched to ${size}×${size}`);
  const hs = decoded.map((d) => d.height);
  const ws = decoded.map((d) => d.width);
  return {
    task: layout.task === 'images' ? 'segmentation' : layout.task,
    labelled: layout.task !== 'images',
    numClasses,
    classNames,
    inputSize: size,
    train: split.train.map((i) => decoded[i].scene),
    val: split.val.map((i) => decoded[i].scene),
    trainFiles: split.train.map((i) => decoded[i].path),
    valFiles: split.val.map((i) => decoded[i].path),
    classCounts,
    sourceSize: { minH: Math.min(...hs), maxH: Math.max(...hs), minW: Math.min(...ws), maxW: Math.max(...ws) },
    warnings,
  };
}

interface Parsed {
  readonly decoded: Decoded[];
  readonly numClasses: number;
  readonly classNames: string[];
  readonly classCounts: number[];
  readonly warnings: string[];
}

/** After image `done` of `layout`: progress, and a stop when the load was cancelled. */
const step = (pacer: LoadPacer, layout: Layout, done: number) => pacer.step({ phase: 'decoding', done, total: layout.images.length });

async function parseSegmentation(layout: Layout, size: number, options: ParseOptions, pacer: LoadPacer): Promise<Parsed> {
  const decoded: Decoded[] = [];
  let maxClass = 0;
  const counts = new Float64Array(MAX_CLASSES);
  for (const { key, image } of layout.images) {
    const labelFile = layout.labels.get(key)!;
    const img = await decodeAnyImage(image, options);
    const label = decodeLabelPng(labelFile);
    if (label.width !== img.width || label.height !== img.height) {
      throw new DatasetError(
        labelFile.path,
        `is ${label.width}×${label.height} but its image ${image.path} is ${img.width}×${img.height}: a label map must have its image's size`,
      );
    }
    for (let i = 0; i < label.values.length; i++) {
      const v = label.values[i];
      if (v >= MAX_CLASSES) {
        throw new DatasetError(
          labelFile.path,
          `has class id ${v} at pixel (${i % label.width}, ${Math.floor(i / label.width)}): class ids must be 0..${MAX_CLASSES - 1} (0 = background). Is this an image saved as a label, or an 'ignore' value like 255?`,
        );
      }
      if (v > maxClass) maxClass = v;
    }
    const labels = resizeNearestLabels(label.values, img.height, img.width, size, size);
    for (const v of labels) counts[v]++;
    const scene: Scene = { height: size, width: size, image: resizeBilinearRgb(img, size, size), labels, boxes: [], digits: [] };
    decoded.push({ path: image.path, height: img.height, width: img.width, scene });
    await step(pacer, layout, decoded.length);
  }
  if (maxClass === 0) throw new DatasetError(null, 'every label map is all 0 (background): there is nothing to segment. Class ids are the label pixel values');
  const numClasses = maxClass + 1;
  const classCounts = Array.from(counts.subarray(0, numClasses));
  const warnings: string[] = [];
  const absent = classCounts.flatMap((c, i) => (c === 0 ? [i] : []));
  if (absent.length) warnings.push(`class id${absent.length > 1 ? 's' : ''} ${absent.join(', ')} never occur${absent.length > 1 ? '' : 's'} in the labels (after resizing to ${size}×${size}); the model still has ${numClasses} classes`);
  const classNames = Array.from({ length: numClasses }, (_, i) => (i === 0 ? 'background' : `class ${i}`));
  return { decoded, numClasses, classNames, classCounts, warnings };
}

/** Images without labels: scenes with all-background labels and no boxes, used label-free only. */
async function parseImagesOnly(layout: Layout, size: number, options: ParseOptions, pacer: LoadPacer): Promise<Parsed> {
  const decoded: Decoded[] = [];
  for (const { image } of layout.images) {
    const img = await decodeAnyImage(image, options);
    const scene: Scene = { height: size, width: size, image: resizeBilinearRgb(img, size, size), labels: new Uint8Array(size * size), boxes: [], digits: [] };
    decoded.push({ path: image.path, height: img.height, width: img.width, scene });
    await step(pacer, layout, decoded.length);
  }
  const warnings = ['no labels (no labels/ folder of PNGs, no boxes JSON): images only, for label-free mask learning and distillation with a teacher’s own outputs'];
  return { decoded, numClasses: 1, classNames: ['(no labels)'], classCounts: [0], warnings };
}

async function parseDetection(layout: Layout, size: number, options: ParseOptions, pacer: LoadPacer): Promise<Parsed> {
  const json = layout.boxes!;
  const file = parseBoxesJson(json.path, json.data);
  const dir = json.path.includes('/') ? json.path.slice(0, json.path.lastIndexOf('/')) : '';
  const byImage = matchBoxes(json.path, file, dir, layout.images.map((s) => s.image.path));
  const decoded: Decoded[] = [];
  const counts = new Array<number>(file.classes.length).fill(0);
  for (const { image } of layout.images) {
    const img = await decodeAnyImage(image, options);
    const boxes = byImage.get(image.path)!;
    checkBoxesInside(json.path, image.path, boxes, img.width, img.height);
    for (const b of boxes) counts[b.cls]++;
    const scaled: Box[] = scaleBoxes(boxes, img.height, img.width, size, size);
    const scene: Scene = { height: size, width: size, image: resizeBilinearRgb(img, size, size), labels: new Uint8Array(size * size), boxes: scaled, digits: [] };
    decoded.push({ path: image.path, height: img.height, width: img.width, scene });
    await step(pacer, layout, decoded.length);
  }
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) throw new DatasetError(json.path, 'lists no boxes at all: there is nothing to detect');
  const warnings: string[] = [];
  const absent = file.classes.filter((_, i) => counts[i] === 0);
  if (absent.length) warnings.push(`class${absent.length > 1 ? 'es' : ''} ${absent.map((c) => `"${c}"`).join(', ')} ha${absent.length > 1 ? 've' : 's'} no boxes`);
  return { decoded, numClasses: file.classes.length, classNames: [...file.classes], classCounts: counts, warnings };
}
