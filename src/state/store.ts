import { create } from 'zustand';
import { createBackendSlice, type BackendSlice } from './backendSlice';
import { createModelsSlice, type ModelsSlice } from './modelsSlice';
import { createRunSlice, type RunSlice } from './runSlice';
import { createSetupSlice, type SetupSlice } from './setupSlice';
import { createShareSlice, type ShareSlice } from './shareSlice';
import { createUiSlice, type UiSlice } from './uiSlice';
import { createVizSlice, type VizSlice } from './vizSlice';
import { createDatasetSlice, type DatasetSlice } from './datasetSlice';
import { createCheckpointSlice, type CheckpointSlice } from './checkpointSlice';
import { createByoSlice, type ByoSlice } from './byoSlice';
import { createTokenReportSlice, type TokenReportSlice } from './tokenReportSlice';

export type AppState = BackendSlice & ModelsSlice & SetupSlice & RunSlice & VizSlice & UiSlice & DatasetSlice & ShareSlice & CheckpointSlice & ByoSlice & TokenReportSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createBackendSlice(...a),
  ...createModelsSlice(...a),
  ...createSetupSlice(...a),
  ...createRunSlice(...a),
  ...createVizSlice(...a),
  ...createUiSlice(...a),
  ...createDatasetSlice(...a),
  ...createShareSlice(...a),
  ...createCheckpointSlice(...a),
  ...createByoSlice(...a),
  ...createTokenReportSlice(...a),
}));

/** The store's current state, for actions (components subscribe with useAppStore instead). */
export const store = (): AppState => useAppStore.getState();
