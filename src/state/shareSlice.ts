import type { StateCreator } from 'zustand';
import type { LinkState } from '../share/linkSchema';
import { previewSceneSeeds } from '../share/previewSeeds';
import type { QuantBits } from '../share/quantize';

/** A share link opened read-only: masks rebuilt from its tokens, or drawn from its images. */
export interface SharedView {
  phase: 'loading' | 'ready';
  source: 'tokens' | 'images';
  state: LinkState;
  tokenBits: QuantBits;
  /** Stated quantisation bounds (max |decoded − original|) of the tokens and of embedded masks. */
  tokenBound: number;
  maskBound: number;
}

/** The outcome of the last Share press. */
export type ShareOutcome =
  | {
      ok: true;
      url: string;
      chars: number;
      tokenBits: QuantBits;
      tokenBound: number;
      maskBound: number;
      /** What was given up to fit the cap (fewer previews, coarser tokens, …). */
      notes: string[];
      clipboard: 'pending' | 'copied' | 'refused';
    }
  | { ok: false; error: string };

/** A valid share link pasted into the address bar of a tab with work: waiting for the user's answer. */
export interface PendingLink {
  /** The address with the link, and the one before it (restored when the user keeps their work). */
  readonly url: string;
  readonly previousUrl: string;
  /** What opening it would replace, in words (workInTab). */
  readonly work: readonly string[];
}

export interface ShareSlice {
  sharedView: SharedView | null;
  pendingLink: PendingLink | null;
  setPendingLink: (p: PendingLink | null) => void;
  shareOutcome: ShareOutcome | null;
  /** Seeds of the preview scenes the engine shows now (a link replaces them). */
  previewSeeds: number[];
  /** The export being prepared (its label), so its button shows progress and others wait. */
  exportBusy: string | null;
  setSharedView: (v: SharedView | null) => void;
  setShareOutcome: (o: ShareOutcome | null) => void;
  setPreviewSeeds: (seeds: number[]) => void;
  setExportBusy: (what: string | null) => void;
}

export const createShareSlice: StateCreator<ShareSlice, [], [], ShareSlice> = (set) => ({
  sharedView: null,
  pendingLink: null,
  setPendingLink: (pendingLink) => set({ pendingLink }),
  shareOutcome: null,
  previewSeeds: previewSceneSeeds(),
  exportBusy: null,
  setSharedView: (sharedView) => set({ sharedView }),
  setShareOutcome: (shareOutcome) => set({ shareOutcome }),
  setPreviewSeeds: (previewSeeds) => set({ previewSeeds }),
  setExportBusy: (exportBusy) => set({ exportBusy }),
});
