import { afterEach, describe, expect, it, vi } from 'vitest';
import { create } from 'zustand';
import { createUiSlice, GUIDE_DISMISSED_KEY, guideDismissedBefore, type UiSlice } from './uiSlice';

/** A Map-backed stand-in for the browser's localStorage (Node has none). */
function fakeStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}

const freshStore = () => create<UiSlice>()(createUiSlice);

describe('first-run guide flag', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows on a first visit, stays dismissed on the next one (a new store on the same storage)', () => {
    vi.stubGlobal('localStorage', fakeStorage());
    const first = freshStore();
    expect(first.getState().guideDismissed).toBe(false);
    first.getState().dismissGuide();
    expect(first.getState().guideDismissed).toBe(true);
    expect(localStorage.getItem(GUIDE_DISMISSED_KEY)).toBe('1');

    const reload = freshStore();
    expect(reload.getState().guideDismissed).toBe(true);
    reload.getState().reopenGuide();
    expect(reload.getState().guideDismissed).toBe(false);
    expect(freshStore().getState().guideDismissed).toBe(false);
  });

  it('works without storage, or with storage that throws: shown, and dismissable for the visit', () => {
    vi.stubGlobal('localStorage', undefined);
    expect(guideDismissedBefore()).toBe(false);
    const s = freshStore();
    s.getState().dismissGuide();
    expect(s.getState().guideDismissed).toBe(true);

    const blocked = fakeStorage();
    blocked.getItem = () => {
      throw new Error('SecurityError');
    };
    blocked.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    vi.stubGlobal('localStorage', blocked);
    const t = freshStore();
    expect(t.getState().guideDismissed).toBe(false);
    t.getState().dismissGuide();
    expect(t.getState().guideDismissed).toBe(true);
  });
});
