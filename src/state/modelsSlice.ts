import type { StateCreator } from 'zustand';
import type { DemoLoaded, ModelCard } from '../engine/models';

export type DemoPhase = 'idle' | 'loading' | 'ready' | 'failed';

export interface ModelsSlice {
  demoPhase: DemoPhase;
  teacher: ModelCard | null;
  student: ModelCard | null;
  /** Tokens shipped with the teacher (or learned in this session); null while untrained. */
  tokens: DemoLoaded['tokens'];
  /** Whether the tokens drawn were learned (shipped or stage 1 ran), so masks mean something. */
  masksTrained: boolean;
  /**
   * The tokens in use are this tab's own: learned by stage 1 or brought in (a token file, a run
   * file, a link), not the demo's shipped ones. Work a share link must not replace unasked.
   */
  ownTokens: boolean;
  demoError: string | null;
  demoLoading: () => void;
  demoLoaded: (demo: DemoLoaded) => void;
  demoFailed: (message: string) => void;
  markMasksTrained: () => void;
}

export const createModelsSlice: StateCreator<ModelsSlice, [], [], ModelsSlice> = (set) => ({
  demoPhase: 'idle',
  teacher: null,
  student: null,
  tokens: null,
  masksTrained: false,
  ownTokens: false,
  demoError: null,
  demoLoading: () => set({ demoPhase: 'loading', demoError: null }),
  demoLoaded: (demo) =>
    set({ demoPhase: 'ready', teacher: demo.teacher, student: demo.student, tokens: demo.tokens, masksTrained: demo.tokens !== null, ownTokens: false, demoError: null }),
  demoFailed: (message) => set({ demoPhase: 'failed', demoError: message }),
  markMasksTrained: () => set({ masksTrained: true, ownTokens: true }),
});
