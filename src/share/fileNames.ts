// File names of every export, in the pattern of tokenExport.ts
// (`maskd-tokens-<task>-T<T>-C<C>.safetensors` + `.json`): `maskd-<what>-<task>…`.
export const fileNames = {
  studentZip: (task: string) => `maskd-student-${task}-tfjs.zip`,
  maskGallery: (task: string, step: number) => `maskd-masks-${task}-step${step}.png`,
  historyCsv: (task: string) => `maskd-history-${task}.csv`,
  historyJson: (task: string) => `maskd-history-${task}.json`,
  run: (task: string, seed: number) => `maskd-run-${task}-seed${seed}.json`,
} as const;
