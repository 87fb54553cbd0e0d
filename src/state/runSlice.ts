import type { StateCreator } from 'zustand';
import type { MethodName } from '../maskd/methods';
import type { CompareRow, RunProgress, Stage } from '../engine/types';
import { appendLosses, appendMetric, dropRun, seriesFromHistory, type SeriesMap } from '../share/series';
import type { HistoryEntry } from '../engine/checkpoint';

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
  /**
   * The history as last written to a run file (Export run) or read from one: while the charts hold
   * these very objects the results are saved; any step after it makes them unsaved again.
   */
  savedHistory: { readonly losses: SeriesMap; readonly metrics: SeriesMap } | null;
  /** Marks the history now in the charts as saved in a run file. */
  historySaved: () => void;
  runStarted: (kind: RunKind, stage: Stage, methods: readonly (MethodName | null)[]) => void;
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
  savedHistory: null,
  historySaved: () => set((s) => ({ savedHistory: { losses: s.losses, metrics: s.metrics } })),
  runStarted: (kind, stage, methods) =>
    set((s) => ({
      runPhase: 'running',
      runKind: kind,
      progress: null,
      pauseReason: null,
      losses: dropRun(s.losses, stage, methods),
      metrics: dropRun(s.metrics, stage, methods),
      compareRows: kind === 'compare' ? [] : s.compareRows,
      comparedMethods: kind === 'compare' ? methods.filter((m): m is MethodName => m !== null) : s.comparedMethods,
    })),
  // Progress within a slow step repeats the last step's numbers: it is not a point of any curve.
  progressReceived: (p) =>
    set((s) => (p.within ? { progress: p } : { progress: p, losses: appendLosses(s.losses, p), metrics: appendMetric(s.metrics, p) })),
  pauseChanged: (paused, reason) =>
    set((s) =>
      s.runPhase === 'idle' || s.runPhase === 'stopping'
        ? {}
        : { runPhase: paused ? 'paused' : 'running', pauseReason: paused ? reason : null },
    ),
  stopRequested: () => set((s) => (s.runPhase === 'idle' ? {} : { runPhase: 'stopping' })),
  compareRowReceived: (row) =>
    set((s) => ({ compareRows: [...s.compareRows.filter((r) => r.method !== row.method), row] })),
  runEnded: () => set({ runPhase: 'idle', runKind: null, pauseReason: null }),
  runResumed: (kind, stage, method, history) =>
    set((s) => ({
      runPhase: 'running',
      runKind: kind,
      progress: null,
      pauseReason: null,
      losses: seriesFromHistory(s.losses, stage, method, history, 'losses'),
      metrics: seriesFromHistory(s.metrics, stage, method, history, 'metrics'),
    })),
});
