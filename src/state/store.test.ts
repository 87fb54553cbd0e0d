import { beforeEach, describe, expect, it } from 'vitest';
import { useAppStore } from './store';
import { shownSnapshot } from './vizSlice';
import type { MaskSnapshot } from '../engine/progress';

const initial = useAppStore.getState();
const snap = (step: number, numTokens = 4): MaskSnapshot => ({
  step,
  stage: 'masks',
  previews: 1,
  imageSize: [2, 2],
  maskSize: [1, 1],
  numTokens,
  images: new Float32Array(12),
  masks: new Float32Array(numTokens),
});

describe('backend slice', () => {
  beforeEach(() => useAppStore.setState(initial, true));

  it('starts in the starting phase', () => {
    expect(useAppStore.getState().backendPhase).toBe('starting');
  });

  it('records a ready backend and clears an old error', () => {
    const s = useAppStore.getState();
    s.backendFailed('boom');
    s.backendReady({ backend: 'webgl', adapter: null, fallbackReason: 'WebGPU unavailable: x', selfCheck: true });
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

describe('viz slice', () => {
  beforeEach(() => useAppStore.setState(initial, true));

  it('follows the newest snapshot until the timeline is moved back', () => {
    const s = useAppStore.getState();
    for (let i = 0; i < 5; i++) s.snapshotReceived(snap(i));
    expect(shownSnapshot(useAppStore.getState())?.step).toBe(4);
    s.setTimelineIndex(1);
    s.snapshotReceived(snap(5));
    expect(shownSnapshot(useAppStore.getState())?.step).toBe(1);
    s.setTimelineIndex(99);
    expect(useAppStore.getState().timelineIndex).toBeNull();
  });

  it('toggles the enlarged token and forgets it when tokens shrink', () => {
    const s = useAppStore.getState();
    s.selectToken(3);
    expect(useAppStore.getState().selectedToken).toBe(3);
    s.selectToken(3);
    expect(useAppStore.getState().selectedToken).toBeNull();
    s.selectToken(3);
    s.snapshotReceived(snap(0, 2));
    expect(useAppStore.getState().selectedToken).toBeNull();
  });

  it('clamps the opacity', () => {
    useAppStore.getState().setOpacity(3);
    expect(useAppStore.getState().opacity).toBe(1);
  });
});

