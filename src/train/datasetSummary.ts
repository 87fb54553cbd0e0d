// What the page is told about a loaded dataset: counts, classes, sizes, warnings and a few
// validation samples at the model's input size.
import type { CustomDataset } from '../data/custom/types';
import type { DatasetSummary } from '../engine/datasets';

export const DATASET_PREVIEWS = 4;

export function datasetSummary(d: CustomDataset, files: number): DatasetSummary {
  const n = Math.min(DATASET_PREVIEWS, d.val.length + d.train.length);
  const samples = [...d.val.map((s, i) => ({ s, f: d.valFiles[i] })), ...d.train.map((s, i) => ({ s, f: d.trainFiles[i] }))].slice(0, n);
  return {
    task: d.task,
    labelled: d.labelled,
    numClasses: d.numClasses,
    classNames: d.classNames,
    classCounts: d.classCounts,
    inputSize: d.inputSize,
    train: d.train.length,
    val: d.val.length,
    files,
    sourceSize: d.sourceSize,
    warnings: d.warnings.map((text) => ({ kind: 'dataset', text })),
    previews: samples.map(({ s, f }) => ({
      file: f,
      height: s.height,
      width: s.width,
      image: s.image.slice(),
      labels: d.task === 'segmentation' && d.labelled ? s.labels.slice() : null,
      boxes: s.boxes.map((b) => ({ x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1, cls: b.cls })),
    })),
  };
}
