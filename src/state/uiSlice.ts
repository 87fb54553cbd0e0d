import type { StateCreator } from 'zustand';
import { makeMessage, type AppMessage, type MessageKind, type MessageLevel } from './messages';

const MAX_MESSAGES = 6;

/** localStorage key that remembers a dismissed first-run guide (the strip above the run bar). */
export const GUIDE_DISMISSED_KEY = 'maskd.guide.dismissed';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage blocked (privacy settings, sandboxed frame)
  }
}

/** Whether this browser has dismissed the first-run guide before. */
export function guideDismissedBefore(): boolean {
  try {
    return storage()?.getItem(GUIDE_DISMISSED_KEY) === '1';
  } catch {
    return false;
  }
}

function rememberGuideDismissed(dismissed: boolean): void {
  try {
    if (dismissed) storage()?.setItem(GUIDE_DISMISSED_KEY, '1');
    else storage()?.removeItem(GUIDE_DISMISSED_KEY);
  } catch {
    // Not remembered: the guide shows again next visit, nothing else changes.
  }
}

export interface UiSlice {
  messages: AppMessage[];
  nextMessageId: number;
  logScale: boolean;
  /** EMA weight in [0, 0.99]; 0 draws raw values. */
  smoothing: number;
  /** The first-run guide is hidden (dismissed on this visit or an earlier one, see localStorage). */
  guideDismissed: boolean;
  /** A notice; `kind` (default: 'error' for errors, 'other' otherwise) picks its hint. */
  pushMessage: (text: string, level: MessageLevel, kind?: MessageKind) => void;
  dismissMessage: (id: number) => void;
  setLogScale: (on: boolean) => void;
  setSmoothing: (w: number) => void;
  /** Hides the first-run guide and remembers it in localStorage; `reopenGuide` brings it back. */
  dismissGuide: () => void;
  reopenGuide: () => void;
}

export const createUiSlice: StateCreator<UiSlice, [], [], UiSlice> = (set) => ({
  messages: [],
  nextMessageId: 1,
  logScale: false,
  smoothing: 0,
  guideDismissed: guideDismissedBefore(),
  pushMessage: (text, level, kind) =>
    set((s) => ({
      messages: [...s.messages, makeMessage(s.nextMessageId, text, level, kind)].slice(-MAX_MESSAGES),
      nextMessageId: s.nextMessageId + 1,
    })),
  dismissMessage: (id) => set((s) => ({ messages: s.messages.filter((m) => m.id !== id) })),
  setLogScale: (logScale) => set({ logScale }),
  setSmoothing: (w) => set({ smoothing: Math.min(0.99, Math.max(0, w)) }),
  dismissGuide: () => {
    rememberGuideDismissed(true);
    set({ guideDismissed: true });
  },
  reopenGuide: () => {
    rememberGuideDismissed(false);
    set({ guideDismissed: false });
  },
});
