import { beforeEach, describe, expect, it } from 'vitest';
import { useAppStore } from './store';

const initial = useAppStore.getState();

describe('backend slice', () => {
  beforeEach(() => useAppStore.setState(initial, true));

  it('starts in the starting phase', () => {
    expect(useAppStore.getState().backendPhase).toBe('starting');
  });

  it('records a ready backend and clears an old error', () => {
    const s = useAppStore.getState();
    s.backendFailed('boom');
    s.backendReady({ backend: 'webgl', adapter: null, fallbackReason: 'WebGPU unavailable: x' }, true);
    const after = useAppStore.getState();
    expect(after.backendPhase).toBe('ready');
    expect(after.backendError).toBeNull();
    expect(after.backendStatus?.backend).toBe('webgl');
    expect(after.selfCheckOk).toBe(true);
  });

  it('dismisses the fallback notice', () => {
    useAppStore.getState().dismissFallback();
    expect(useAppStore.getState().fallbackDismissed).toBe(true);
  });
});
