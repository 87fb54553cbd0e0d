import { create } from 'zustand';
import { createBackendSlice, type BackendSlice } from './backendSlice';
import { createModelsSlice, type ModelsSlice } from './modelsSlice';
import { createRunSlice, type RunSlice } from './runSlice';
import { createSetupSlice, type SetupSlice } from './setupSlice';
import { createUiSlice, type UiSlice } from './uiSlice';
import { createVizSlice, type VizSlice } from './vizSlice';
import { createByoSlice, type ByoSlice } from './byoSlice';

export type AppState = BackendSlice & ModelsSlice & SetupSlice & RunSlice & VizSlice & UiSlice & ByoSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createBackendSlice(...a),
  ...createModelsSlice(...a),
  ...createSetupSlice(...a),
  ...createRunSlice(...a),
  ...createVizSlice(...a),
  ...createUiSlice(...a),
  ...createByoSlice(...a),
}));
