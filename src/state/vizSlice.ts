import type { StateCreator } from 'zustand';
import type { MaskSnapshot } from '../engine/progress';
import type { ColormapName } from '../viz/colormap';
import { checkSnapshotFields } from './snapshotFields';
import { addSnapshot } from './snapshots';

export interface VizSlice {
  /** Bounded, thinned history for the replay timeline (see snapshots.ts). */
  snapshots: MaskSnapshot[];
  /** Counts clearSnapshots calls: a snapshot requested before the latest clear is stale. */
  snapshotEpoch: number;
  /** Index into `snapshots` being shown; null follows the newest. */
  timelineIndex: number | null;
  /** Token enlarged across all previews; null shows every token small. */
  selectedToken: number | null;
  opacity: number;
  colormap: ColormapName;
  snapshotReceived: (s: MaskSnapshot) => void;
  clearSnapshots: () => void;
  setTimelineIndex: (i: number | null) => void;
  selectToken: (t: number | null) => void;
  setOpacity: (o: number) => void;
  setColormap: (c: ColormapName) => void;
  /** Gallery: a row of the student's masks under each scene (snapshots of stage 2 with MasKD). */
  showStudent: boolean;
  /** Gallery: a ground-truth column beside each scene. */
  showTruth: boolean;
  setShowStudent: (on: boolean) => void;
  setShowTruth: (on: boolean) => void;
}

export const createVizSlice: StateCreator<VizSlice, [], [], VizSlice> = (set) => ({
  snapshots: [],
  snapshotEpoch: 0,
  timelineIndex: null,
  selectedToken: null,
  opacity: 0.65,
  colormap: 'viridis',
  snapshotReceived: (snap) =>
    set((s) => ({
      snapshots: addSnapshot(s.snapshots, checkSnapshotFields(snap)),
      selectedToken: s.selectedToken !== null && s.selectedToken >= snap.numTokens ? null : s.selectedToken,
    })),
  clearSnapshots: () => set((s) => ({ snapshots: [], timelineIndex: null, snapshotEpoch: s.snapshotEpoch + 1 })),
  setTimelineIndex: (i) => set((s) => ({ timelineIndex: i === null || i >= s.snapshots.length - 1 ? null : Math.max(0, i) })),
  selectToken: (t) => set((s) => ({ selectedToken: s.selectedToken === t ? null : t })),
  setOpacity: (o) => set({ opacity: Math.min(1, Math.max(0, o)) }),
  setColormap: (colormap) => set({ colormap }),
  showStudent: false,
  showTruth: false,
  setShowStudent: (showStudent) => set({ showStudent }),
  setShowTruth: (showTruth) => set({ showTruth }),
});

/** The snapshot the gallery draws. */
export function shownSnapshot(s: Pick<VizSlice, 'snapshots' | 'timelineIndex'>): MaskSnapshot | null {
  if (!s.snapshots.length) return null;
  return s.snapshots[s.timelineIndex ?? s.snapshots.length - 1] ?? null;
}
