// The optional fields of a mask snapshot, checked on arrival: a field whose size does not match
// the snapshot's shape is dropped, so the gallery never reads past an array or draws garbage.
import type { MaskSnapshot } from '../engine/progress';

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** `s` without the optional fields that do not fit its shape (the rest is returned as is). */
export function checkSnapshotFields(s: MaskSnapshot): MaskSnapshot {
  const [H, W] = s.imageSize;
  const { studentMasks, customMask, labels, boxes, ...rest } = s;
  const out: { -readonly [K in keyof MaskSnapshot]: MaskSnapshot[K] } = { ...rest };
  if (studentMasks instanceof Float32Array && studentMasks.length === s.masks.length) {
    out.studentMasks = studentMasks;
    out.customMask = customMask === true;
  }
  if (labels instanceof Uint8Array && labels.length === s.previews * H * W) out.labels = labels;
  if (
    Array.isArray(boxes) &&
    boxes.length === s.previews &&
    boxes.every((list) => Array.isArray(list) && list.every((b) => finite(b.x0) && finite(b.y0) && finite(b.x1) && finite(b.y1) && Number.isInteger(b.cls)))
  ) {
    out.boxes = boxes;
  }
  return out;
}

/** Whether any kept snapshot has the student's masks (the gallery's student toggle says so). */
export const anyStudentMasks = (list: readonly MaskSnapshot[]): boolean => list.some((s) => s.studentMasks !== undefined);
