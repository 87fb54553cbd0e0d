import { create } from 'zustand';
import { createBackendSlice, type BackendSlice } from './backendSlice';

export type AppState = BackendSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createBackendSlice(...a),
}));
