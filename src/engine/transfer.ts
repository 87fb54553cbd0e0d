// The ArrayBuffers a message can move (not copy) between the page and the worker.
import type { MaskSnapshot } from './progress';

/** Every buffer of a mask snapshot. */
export function snapshotTransfer(s: MaskSnapshot | null | undefined): ArrayBuffer[] {
  if (!s) return [];
  return [s.images, s.masks, s.tokenWeights, s.studentMasks, s.labels].flatMap((a) => (a ? [a.buffer as ArrayBuffer] : []));
}
