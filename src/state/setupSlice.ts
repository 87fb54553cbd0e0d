import type { StateCreator } from 'zustand';
import { MASKD_PRESETS, METHODS, METHOD_NAMES, type MethodName } from '../maskd/methods';
import type { Task } from '../models/nets';
import type { BackendChoice } from '../backends/types';
import type { MaskObjective } from '../engine/types';
import type { DistillSettings, MaskSettings, ParamValue } from '../share/settings';

export type { DistillSettings, MaskSettings, ParamValue } from '../share/settings';

/** What the Setup panel edits: everything a run is started with. */
export interface SetupSlice {
  task: Task;
  mask: MaskSettings;
  distill: DistillSettings;
  compareMethods: MethodName[];
  /** Stage 1's objective as chosen (the engine learns from the teacher's own output whenever no labels fit). */
  maskObjective: MaskObjective;
  seed: number;
  /** Auto: the fastest backend measured on this device. */
  backendChoice: BackendChoice;
  setTask: (task: Task) => void;
  setMask: (patch: Partial<MaskSettings>) => void;
  setDistill: (patch: Partial<Omit<DistillSettings, 'params'>>) => void;
  setMethodParam: (method: MethodName, key: string, value: ParamValue) => void;
  toggleCompareMethod: (method: MethodName) => void;
  setMaskObjective: (objective: MaskObjective) => void;
  setSeed: (seed: number) => void;
  setBackendChoice: (backend: BackendChoice) => void;
}

/**
 * Reference schedule scaled to the demo: 8 tokens without the token-weight branch in segmentation
 * (segmentation/losses/maskd.py), 6 tokens with it in detection (mmdetection/maskd.py).
 */
export function defaultMaskSettings(task: Task): MaskSettings {
  const segmentation = task === 'segmentation';
  return { numTokens: segmentation ? 8 : 6, steps: 200, batchSize: 8, lr: 0.01, diceWeight: 1, tokenWeights: !segmentation };
}

export function defaultMethodParams(task: Task): Record<MethodName, Record<string, ParamValue>> {
  const out = {} as Record<MethodName, Record<string, ParamValue>>;
  for (const name of METHOD_NAMES) out[name] = { ...(METHODS[name].defaults as Record<string, ParamValue>) };
  out.maskd = { ...MASKD_PRESETS[task] };
  return out;
}

export function defaultDistillSettings(task: Task): DistillSettings {
  return { method: 'maskd', params: defaultMethodParams(task), steps: 200, batchSize: 8, lr: 0.002, evalEvery: 50, valCount: 64 };
}

export const createSetupSlice: StateCreator<SetupSlice, [], [], SetupSlice> = (set) => ({
  task: 'segmentation',
  mask: defaultMaskSettings('segmentation'),
  distill: defaultDistillSettings('segmentation'),
  compareMethods: [...METHOD_NAMES],
  maskObjective: 'task',
  seed: 1,
  backendChoice: 'auto',
  setTask: (task) =>
    set((s) => ({
      task,
      mask: { ...s.mask, numTokens: defaultMaskSettings(task).numTokens },
      distill: { ...s.distill, params: defaultMethodParams(task) },
    })),
  setMask: (patch) => set((s) => ({ mask: { ...s.mask, ...patch } })),
  setDistill: (patch) => set((s) => ({ distill: { ...s.distill, ...patch } })),
  setMethodParam: (method, key, value) =>
    set((s) => ({
      distill: { ...s.distill, params: { ...s.distill.params, [method]: { ...s.distill.params[method], [key]: value } } },
    })),
  toggleCompareMethod: (method) =>
    set((s) => ({
      compareMethods: s.compareMethods.includes(method)
        ? s.compareMethods.filter((m) => m !== method)
        : METHOD_NAMES.filter((m) => m === method || s.compareMethods.includes(m)),
    })),
  setMaskObjective: (maskObjective) => set({ maskObjective }),
  setSeed: (seed) => set({ seed }),
  setBackendChoice: (backendChoice) => set({ backendChoice }),
});
