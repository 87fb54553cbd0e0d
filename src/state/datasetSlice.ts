import type { StateCreator } from 'zustand';
import type { DatasetLoadProgress, DatasetSummary } from '../engine/datasets';

/** 'demo': the digit scenes; 'custom': the user's dataset (loaded in the Setup card). */
export type DataMode = 'demo' | 'custom';

export interface TeacherSettings {
  steps: number;
  batchSize: number;
  lr: number;
}

export interface DatasetSettings {
  /** Square model input side the images are resized to (multiple of 4). */
  inputSize: number;
  valFraction: number;
}

export interface DatasetSlice {
  dataMode: DataMode;
  datasetLoading: boolean;
  /** How far the load in progress is (files read on the page, then images decoded in the worker); null before the first report. */
  datasetProgress: DatasetLoadProgress | null;
  /** Cancel was pressed: the load stops at its next file or image. */
  datasetCancelling: boolean;
  /** The last dataset that loaded; a failed load leaves it in place. */
  dataset: DatasetSummary | null;
  /** The models in the engine run on the custom dataset (trained on it, or the user's loaded for it): the demo is not loaded. */
  customTeacher: boolean;
  teacherSettings: TeacherSettings;
  datasetSettings: DatasetSettings;
  setDataMode: (mode: DataMode) => void;
  datasetLoadStarted: () => void;
  datasetProgressed: (progress: DatasetLoadProgress | null) => void;
  datasetCancelRequested: () => void;
  datasetLoaded: (summary: DatasetSummary) => void;
  datasetLoadFailed: () => void;
  setCustomTeacher: (on: boolean) => void;
  setTeacherSettings: (patch: Partial<TeacherSettings>) => void;
  setDatasetSettings: (patch: Partial<DatasetSettings>) => void;
}

export const DEFAULT_TEACHER_SETTINGS: TeacherSettings = { steps: 100, batchSize: 8, lr: 0.01 };

export const createDatasetSlice: StateCreator<DatasetSlice, [], [], DatasetSlice> = (set) => ({
  dataMode: 'demo',
  datasetLoading: false,
  datasetProgress: null,
  datasetCancelling: false,
  dataset: null,
  customTeacher: false,
  teacherSettings: DEFAULT_TEACHER_SETTINGS,
  datasetSettings: { inputSize: 64, valFraction: 0.2 },
  setDataMode: (dataMode) => set({ dataMode }),
  datasetLoadStarted: () => set({ datasetLoading: true, datasetProgress: null, datasetCancelling: false }),
  // The engine's last report (null) arrives after its reply: only a load in progress shows one.
  datasetProgressed: (progress) => set((s) => (s.datasetLoading && progress ? { datasetProgress: progress } : {})),
  datasetCancelRequested: () => set((s) => (s.datasetLoading ? { datasetCancelling: true } : {})),
  datasetLoaded: (dataset) => set({ dataset, datasetLoading: false, datasetProgress: null, datasetCancelling: false }),
  datasetLoadFailed: () => set({ datasetLoading: false, datasetProgress: null, datasetCancelling: false }),
  setCustomTeacher: (customTeacher) => set({ customTeacher }),
  setTeacherSettings: (patch) => set((s) => ({ teacherSettings: { ...s.teacherSettings, ...patch } })),
  setDatasetSettings: (patch) => set((s) => ({ datasetSettings: { ...s.datasetSettings, ...patch } })),
});
