import type { StateCreator } from 'zustand';
import type { CheckpointInfo } from '../engine/checkpoint';

/** The last finished run's results kept in this browser (src/state/lastResults.ts), as offered after a reload. */
export interface LastResultsInfo {
  /** When they were kept (the run file's createdAt). */
  readonly savedAt: string;
  readonly task: string;
  /** What the history holds, in words: "mask learning to step 200, distillation with maskd to step 200". */
  readonly what: string;
  readonly tokens: boolean;
}

/** An interrupted run found in IndexedDB at start-up, offered for resuming until dismissed; and the last finished run's results. */
export interface CheckpointSlice {
  resumeOffer: CheckpointInfo | null;
  resumeOffered: (info: CheckpointInfo) => void;
  resumeOfferClosed: () => void;
  lastResultsOffer: LastResultsInfo | null;
  setLastResultsOffer: (info: LastResultsInfo | null) => void;
}

export const createCheckpointSlice: StateCreator<CheckpointSlice, [], [], CheckpointSlice> = (set) => ({
  resumeOffer: null,
  resumeOffered: (info) => set({ resumeOffer: info }),
  resumeOfferClosed: () => set({ resumeOffer: null }),
  lastResultsOffer: null,
  setLastResultsOffer: (lastResultsOffer) => set({ lastResultsOffer }),
});
