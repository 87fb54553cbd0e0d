import type { StateCreator } from 'zustand';
import type { MethodName } from '../maskd/methodInfo';
import type { RunProgress, Stage } from '../engine/progress';
import type { CompareRow } from '../engine/runResults';
import { appendLosses, appendMetric, dropRun, seriesFromHistory, type SeriesMap } from '../share/series';
import type { HistoryEntry } from '../engine/checkpoint';
import type { RunHandover, RunResult } from '../share/runFile';

/** A run that went on in PyTorch and came back in a run file (formatVersion 2): what the charts mark and the page shows. */
export interface PytorchReturn {
  /** The run file's name. */
  readonly file: string;
  /** Where it changed hands (the charts mark it); null when the file does not say. */
  readonly handover: RunHandover | null;
  /** The last step PyTorch took (the file's checkpoint step, else its result's); null when the file says neither. */
  readonly pytorchTo: number | null;
  /** train.py's final score, shown labelled as from PyTorch; null when it did not score. */
  readonly result: RunResult | null;
  /** The checkpoint installed in the engine (no weights): what Distill further continues; null when the file had none. */
  readonly installed: { readonly step: number; readonly total: number; readonly method: MethodName } | null;
}

export type RunKind = 'masks' | 'distill' | 'compare' | 'teacher';
export type RunPhase = 'idle' | 'running' | 'paused' | 'stopping';

export interface RunSlice {
  runPhase: RunPhase;
  runKind: RunKind | null;
  progress: RunProgress | null;
  /** Why the engine paused on its own (non-finite loss), shown beside the progress bar. */
  pauseReason: string | null;
  /** Full history, every step: the charts downsample what they draw. */
  losses: SeriesMap;
  metrics: SeriesMap;
  compareRows: CompareRow[];
  comparedMethods: MethodName[] | null;
  /** The seeds of the comparison in the table (one row per method and seed); null: one seed. */
  comparedSeeds: number[] | null;
  /**
   * MasKD's custom mask in the last stage-2 run with it: the first step that multiplied in the
   * student's masks (the charts mark it); null when it never switched on.
   */
  customMaskFrom: number | null;
  /**
   * The history as last written to a run file (Export run) or read from one: while the charts hold
   * these very objects the results are saved; any step after it makes them unsaved again.
   */
  savedHistory: { readonly losses: SeriesMap; readonly metrics: SeriesMap } | null;
  /** The run file from PyTorch the stage-2 curves came from; a new stage-2 run replaces them (and this). */
  pytorchReturn: PytorchReturn | null;
  /** Marks the history now in the charts as saved in a run file. */
  historySaved: () => void;
  /** `seeds`: a comparison over several seeds (its table then waits for a row per method and seed). */
  runStarted: (kind: RunKind, stage: Stage, methods: readonly (MethodName | null)[], seeds?: readonly number[]) => void;
  progressReceived: (p: RunProgress) => void;
  pauseChanged: (paused: boolean, reason: string | null) => void;
  stopRequested: () => void;
  compareRowReceived: (row: CompareRow) => void;
  runEnded: () => void;
  /** A stored run continues: its charts start from the checkpoint's history. */
  runResumed: (kind: RunKind, stage: Stage, method: MethodName | null, history: readonly HistoryEntry[]) => void;
}

export const createRunSlice: StateCreator<RunSlice, [], [], RunSlice> = (set) => ({
  runPhase: 'idle',
  runKind: null,
  progress: null,
  pauseReason: null,
  losses: {},
  metrics: {},
  compareRows: [],
  comparedMethods: null,
  comparedSeeds: null,
  customMaskFrom: null,
  savedHistory: null,
  pytorchReturn: null,
  historySaved: () => set((s) => ({ savedHistory: { losses: s.losses, metrics: s.metrics } })),
  runStarted: (kind, stage, methods, seeds) =>
    set((s) => ({
      runPhase: 'running',
      runKind: kind,
      progress: null,
      pauseReason: null,
      losses: dropRun(s.losses, stage, methods),
      metrics: dropRun(s.metrics, stage, methods),
      compareRows: kind === 'compare' ? [] : s.compareRows,
      comparedMethods: kind === 'compare' ? methods.filter((m): m is MethodName => m !== null) : s.comparedMethods,
      comparedSeeds: kind === 'compare' ? (seeds && seeds.length > 1 ? [...seeds] : null) : s.comparedSeeds,
      // A new MasKD run replaces the curve the marker belonged to.
      customMaskFrom: stage === 'distill' && methods.includes('maskd') ? null : s.customMaskFrom,
      pytorchReturn: stage === 'distill' ? null : s.pytorchReturn,
    })),
  // Progress within a slow step repeats the last step's numbers: it is not a point of any curve.
  progressReceived: (p) =>
    set((s) =>
      p.within
        ? { progress: p }
        : {
            progress: p,
            losses: appendLosses(s.losses, p),
            metrics: appendMetric(s.metrics, p),
            ...(p.method === 'maskd' && p.customMaskFrom !== undefined ? { customMaskFrom: p.customMaskFrom } : {}),
          },
    ),
  pauseChanged: (paused, reason) =>
    set((s) =>
      s.runPhase === 'idle' || s.runPhase === 'stopping'
        ? {}
        : { runPhase: paused ? 'paused' : 'running', pauseReason: paused ? reason : null },
    ),
  stopRequested: () => set((s) => (s.runPhase === 'idle' ? {} : { runPhase: 'stopping' })),
  // One row per method and seed: a row seen again (the reply repeating the streamed rows) replaces it.
  compareRowReceived: (row) =>
    set((s) => ({ compareRows: [...s.compareRows.filter((r) => r.method !== row.method || r.seed !== row.seed), row] })),
  runEnded: () => set({ runPhase: 'idle', runKind: null, pauseReason: null }),
  runResumed: (kind, stage, method, history) =>
    set((s) => ({
      runPhase: 'running',
      runKind: kind,
      progress: null,
      pauseReason: null,
      losses: seriesFromHistory(s.losses, stage, method, history, 'losses'),
      metrics: seriesFromHistory(s.metrics, stage, method, history, 'metrics'),
      pytorchReturn: stage === 'distill' ? null : s.pytorchReturn,
    })),
});
