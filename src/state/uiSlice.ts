import type { StateCreator } from 'zustand';
import { classifyMessage, type AppMessage, type MessageLevel } from './messages';

const MAX_MESSAGES = 6;

export interface UiSlice {
  messages: AppMessage[];
  nextMessageId: number;
  logScale: boolean;
  /** EMA weight in [0, 0.99]; 0 draws raw values. */
  smoothing: number;
  pushMessage: (text: string, level: MessageLevel) => void;
  dismissMessage: (id: number) => void;
  setLogScale: (on: boolean) => void;
  setSmoothing: (w: number) => void;
}

export const createUiSlice: StateCreator<UiSlice, [], [], UiSlice> = (set) => ({
  messages: [],
  nextMessageId: 1,
  logScale: false,
  smoothing: 0,
  pushMessage: (text, level) =>
    set((s) => {
      // The same message again (e.g. a repeated collapse warning) should not stack up.
      if (s.messages.some((m) => m.text === text)) return {};
      const msg: AppMessage = { id: s.nextMessageId, ...classifyMessage(text, level) };
      return { messages: [...s.messages, msg].slice(-MAX_MESSAGES), nextMessageId: s.nextMessageId + 1 };
    }),
  dismissMessage: (id) => set((s) => ({ messages: s.messages.filter((m) => m.id !== id) })),
  setLogScale: (logScale) => set({ logScale }),
  setSmoothing: (w) => set({ smoothing: Math.min(0.99, Math.max(0, w)) }),
});
