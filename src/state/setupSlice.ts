import type { StateCreator } from 'zustand';
import { MASKD_PRESETS, METHODS, METHOD_NAMES, type MethodName } from '../maskd/methodInfo';
import type { Task } from '../models/nets';
import type { BackendChoice } from '../backends/types';
import type { MaskObjective } from '../engine/runConfigs';
import type { StudentInit } from '../engine/models';
import type { DistillSettings, MaskSettings, ParamValue } from '../share/settings';
import { DEFAULT_RECIPE, recipeOf, withRecipe, type MaskRecipeId } from '../share/maskRecipes';

export type { DistillSettings, MaskSettings, ParamValue } from '../share/settings';

/** What the Setup panel edits: everything a run is started with. */
export interface SetupSlice {
  task: Task;
  mask: MaskSettings;
  distill: DistillSettings;
  compareMethods: MethodName[];
  /** How many seeds a comparison runs (seed, seed + 1, …); the table shows mean ± the seeds' spread. */
  compareSeeds: number;
  /** Stage 1's objective as chosen (the engine learns from the teacher's own output whenever no labels fit). */
  maskObjective: MaskObjective;
  seed: number;
  /** How the demo students' backbone starts (the demo is loaded again when it changes): the shipped pretrained one, or fresh. */
  studentInit: StudentInit;
  /** Auto: the fastest backend measured on this device. */
  backendChoice: BackendChoice;
  setTask: (task: Task) => void;
  setMask: (patch: Partial<MaskSettings>) => void;
  /** Fills the stage-1 fields a recipe sets (src/share/maskRecipes.ts); steps, batch and Dice weight stay. */
  applyMaskRecipe: (recipe: MaskRecipeId) => void;
  setDistill: (patch: Partial<Omit<DistillSettings, 'params'>>) => void;
  setMethodParam: (method: MethodName, key: string, value: ParamValue) => void;
  toggleCompareMethod: (method: MethodName) => void;
  setCompareSeeds: (n: number) => void;
  setMaskObjective: (objective: MaskObjective) => void;
  setSeed: (seed: number) => void;
  setStudentInit: (init: StudentInit) => void;
  setBackendChoice: (backend: BackendChoice) => void;
}

/**
 * The task's default recipe (DEFAULT_RECIPE: the one with more live tokens here) scaled to the demo:
 * 200 steps where the reference detection recipe runs 2000 iterations.
 */
export function defaultMaskSettings(task: Task): MaskSettings {
  const base: MaskSettings = {
    numTokens: 8, steps: 200, batchSize: 8, lr: 0.01, diceWeight: 1, tokenWeights: false,
    optimizer: 'adam', momentum: 0.9, weightDecay: 0, schedule: 'cosine', minLr: 0,
  };
  return withRecipe(base, DEFAULT_RECIPE[task], task);
}

export function defaultMethodParams(task: Task): Record<MethodName, Record<string, ParamValue>> {
  const out = {} as Record<MethodName, Record<string, ParamValue>>;
  for (const name of METHOD_NAMES) out[name] = { ...(METHODS[name].defaults as Record<string, ParamValue>) };
  out.maskd = { ...MASKD_PRESETS[task] };
  return out;
}

/**
 * Stage 2's default budget, also each method's budget in Compare: 600 steps at Adam 0.01 (batch 8).
 * The four methods took 3 min 25 s (segmentation) and 3 min 13 s (detection) in the page on wasm
 * (docs/backends.md, "Backends"; npm run bench:compare). With the pretrained students the student
 * alone is well off the floor by then (test mIoU 0.303, AP@0.5 0.452 over 3 seeds), but every
 * distiller is still below it (docs/experiments.md, "Pretrained students").
 */
export const DEFAULT_DISTILL_STEPS = 600;
export const DEFAULT_DISTILL_LR = 0.01;

export function defaultDistillSettings(task: Task): DistillSettings {
  return { method: 'maskd', params: defaultMethodParams(task), steps: DEFAULT_DISTILL_STEPS, batchSize: 8, lr: DEFAULT_DISTILL_LR, evalEvery: 50, valCount: 64 };
}

export const createSetupSlice: StateCreator<SetupSlice, [], [], SetupSlice> = (set) => ({
  task: 'segmentation',
  mask: defaultMaskSettings('segmentation'),
  distill: defaultDistillSettings('segmentation'),
  compareMethods: [...METHOD_NAMES],
  compareSeeds: 1,
  maskObjective: 'task',
  seed: 1,
  studentInit: 'pretrained',
  backendChoice: 'auto',
  // Settings that follow a recipe take the new task's default recipe; custom ones keep the user's
  // values and take the task's token count.
  setTask: (task) =>
    set((s) => ({
      task,
      mask: recipeOf(s.mask, s.task) === 'custom' ? { ...s.mask, numTokens: defaultMaskSettings(task).numTokens } : withRecipe(s.mask, DEFAULT_RECIPE[task], task),
      distill: { ...s.distill, params: defaultMethodParams(task) },
    })),
  setMask: (patch) => set((s) => ({ mask: { ...s.mask, ...patch } })),
  applyMaskRecipe: (recipe) => set((s) => ({ mask: withRecipe(s.mask, recipe, s.task) })),
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
  setCompareSeeds: (compareSeeds) => set({ compareSeeds }),
  setMaskObjective: (maskObjective) => set({ maskObjective }),
  setSeed: (seed) => set({ seed }),
  setStudentInit: (studentInit) => set({ studentInit }),
  setBackendChoice: (backendChoice) => set({ backendChoice }),
});
