import { beforeEach, describe, expect, it } from 'vitest';
import type { MaskSnapshot } from '../engine/progress';
import { anyStudentMasks, checkSnapshotFields } from './snapshotFields';
import { useAppStore } from './store';
import { shownSnapshot } from './vizSlice';

// 2 previews of 2×2 images, 1×1 masks, 3 tokens.
const base = (step = 1): MaskSnapshot => ({
  step,
  stage: 'distill',
  previews: 2,
  imageSize: [2, 2],
  maskSize: [1, 1],
  numTokens: 3,
  images: new Float32Array(2 * 4 * 3),
  masks: new Float32Array(2 * 3),
});

describe('checkSnapshotFields', () => {
  it('keeps well-sized optional fields', () => {
    const s: MaskSnapshot = { ...base(), studentMasks: new Float32Array(6), customMask: true, labels: new Uint8Array(8), boxes: [[{ x0: 0, y0: 0, x1: 1, y1: 2, cls: 3 }], []] };
    const c = checkSnapshotFields(s);
    expect(c.studentMasks).toBe(s.studentMasks);
    expect(c.customMask).toBe(true);
    expect(c.labels).toBe(s.labels);
    expect(c.boxes).toBe(s.boxes);
    expect(c.masks).toBe(s.masks);
  });

  it('drops fields whose size does not match the snapshot, and a custom-mask flag without student masks', () => {
    const c = checkSnapshotFields({ ...base(), studentMasks: new Float32Array(5), customMask: true, labels: new Uint8Array(7), boxes: [[]] });
    expect(c.studentMasks).toBeUndefined();
    expect(c.customMask).toBeUndefined();
    expect(c.labels).toBeUndefined();
    expect(c.boxes).toBeUndefined();
    const nan = checkSnapshotFields({ ...base(), boxes: [[{ x0: Number.NaN, y0: 0, x1: 1, y1: 1, cls: 1 }], []] });
    expect(nan.boxes).toBeUndefined();
  });

  it('leaves a plain snapshot without optional keys', () => {
    expect(Object.keys(checkSnapshotFields(base())).sort()).toEqual(Object.keys(base()).sort());
  });
});

describe('viz slice with student and ground-truth snapshots', () => {
  const initial = useAppStore.getState();
  beforeEach(() => useAppStore.setState(initial, true));

  it('stores checked snapshots; the toggles are independent and off by default', () => {
    const st = useAppStore.getState();
    expect(st.showStudent).toBe(false);
    expect(st.showTruth).toBe(false);
    st.snapshotReceived({ ...base(0), stage: 'masks', labels: new Uint8Array(8) });
    expect(anyStudentMasks(useAppStore.getState().snapshots)).toBe(false);
    st.snapshotReceived({ ...base(2), studentMasks: new Float32Array(6), customMask: false });
    st.snapshotReceived({ ...base(3), studentMasks: new Float32Array(99) });
    const after = useAppStore.getState();
    expect(after.snapshots.map((s) => s.studentMasks?.length ?? null)).toEqual([null, 6, null]);
    expect(anyStudentMasks(after.snapshots)).toBe(true);
    expect(shownSnapshot(after)?.step).toBe(3);
    after.setShowStudent(true);
    expect(useAppStore.getState()).toMatchObject({ showStudent: true, showTruth: false });
    useAppStore.getState().setShowTruth(true);
    useAppStore.getState().setShowStudent(false);
    expect(useAppStore.getState()).toMatchObject({ showStudent: false, showTruth: true });
    // Replaying keeps the fields of the snapshot replayed.
    useAppStore.getState().setTimelineIndex(1);
    expect(shownSnapshot(useAppStore.getState())?.studentMasks).toHaveLength(6);
  });
});
