// File names of every export, in the pattern of tokenExport.ts
// (`maskd-tokens-<task>-T<T>-C<C>.safetensors` + `.json`): `maskd-<what>-<task>…`.
export const fileNames = {
  studentZip: (task: string) => `maskd-student-${task}-tfjs.zip`,
  /** `unet.onnx` → `maskd-student-segmentation-unet.onnx` (the loaded file's base name, path and odd characters dropped). */
  studentOnnx: (task: string, file: string) => `maskd-student-${task}-${(file.split(/[\\/]/).pop() ?? '').replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'model'}.onnx`,
  /** The PyTorch run bundle of a stage-2 state after `step` steps. */
  pytorchZip: (task: string, step: number) => `maskd-pytorch-${task}-step${step}.zip`,
  maskGallery: (task: string, step: number) => `maskd-masks-${task}-step${step}.png`,
  historyCsv: (task: string) => `maskd-history-${task}.csv`,
  historyJson: (task: string) => `maskd-history-${task}.json`,
  run: (task: string, seed: number) => `maskd-run-${task}-seed${seed}.json`,
} as const;
