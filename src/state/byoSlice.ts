// The user's own models as the page shows them: layer lists, taps, how the pair fits.
import type { StateCreator } from 'zustand';
import type { ModelRole, ModelsLoaded, UserModelInfo } from '../engine/userModels';
import type { ProbeProgress } from '../engine/modelProbe';

export interface ByoSlice {
  /** Per role: the loaded user model and the card source it belongs to (a demo reload replaces the card). */
  byo: { readonly teacher: { info: UserModelInfo; source: string } | null; readonly student: { info: UserModelInfo; source: string } | null };
  byoAlign: string | null;
  byoInputSize: number | null;
  /** Why no labels fit the loaded teacher (label-free: its own outputs are the targets), or null. */
  byoLabelFree: string | null;
  /** A model URL being fetched: its abort. */
  byoFetch: AbortController | null;
  byoFetching: (abort: AbortController | null) => void;
  /** A model being checked in its throwaway probe worker (the engine's `modelProbe` event), or null. */
  byoProbe: ProbeProgress | null;
  byoProbing: (progress: ProbeProgress | null) => void;
  /** A load or tap change in progress, per role. */
  byoBusy: ModelRole | 'both' | null;
  byoLoading: (role: ModelRole | 'both') => void;
  byoLoaded: (result: ModelsLoaded) => void;
  byoDone: () => void;
}

/**
 * The user's model on `role`'s card, or null while that card holds a built-in model (a demo reload
 * replaces the cards, so a user model counts only while its card is the current one).
 */
export function userModelOnCard(byo: ByoSlice['byo'], role: ModelRole, card: { readonly source: string } | null): UserModelInfo | null {
  const own = byo[role];
  return own && card?.source === own.source ? own.info : null;
}

export const createByoSlice: StateCreator<ByoSlice, [], [], ByoSlice> = (set) => ({
  byo: { teacher: null, student: null },
  byoAlign: null,
  byoInputSize: null,
  byoLabelFree: null,
  byoFetch: null,
  byoBusy: null,
  byoProbe: null,
  byoProbing: (byoProbe) => set({ byoProbe }),
  byoFetching: (byoFetch) => set({ byoFetch }),
  byoLoading: (role) => set({ byoBusy: role }),
  byoLoaded: (r) =>
    set({
      byo: {
        teacher: r.user.teacher ? { info: r.user.teacher, source: r.teacher.source } : null,
        student: r.user.student ? { info: r.user.student, source: r.student.source } : null,
      },
      byoAlign: r.align,
      byoInputSize: r.inputSize,
      byoLabelFree: r.labelFree,
      byoBusy: null,
    }),
  byoDone: () => set({ byoBusy: null, byoProbe: null }),
});
