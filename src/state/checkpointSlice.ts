import type { StateCreator } from 'zustand';
import type { CheckpointInfo } from '../engine/checkpoint';

/** An interrupted run found in IndexedDB at start-up, offered for resuming until dismissed. */
export interface CheckpointSlice {
  resumeOffer: CheckpointInfo | null;
  resumeOffered: (info: CheckpointInfo) => void;
  resumeOfferClosed: () => void;
}

export const createCheckpointSlice: StateCreator<CheckpointSlice, [], [], CheckpointSlice> = (set) => ({
  resumeOffer: null,
  resumeOffered: (info) => set({ resumeOffer: info }),
  resumeOfferClosed: () => set({ resumeOffer: null }),
});
