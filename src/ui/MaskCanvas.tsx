import { memo, useEffect, useMemo, useRef } from 'react';
import type { MaskSnapshot } from '../engine/progress';
import { colormapLut, type ColormapName } from '../viz/colormap';
import { tileQueue } from './drawQueue';
import { composeTruth } from './groundTruth';
import { composeOverlay } from './overlay';

/** What a tile shows: a teacher mask, the student's mask of the same token, or the ground truth. */
export type TileLayer = 'teacher' | 'student' | 'truth';

export interface MaskCanvasProps {
  snapshot: MaskSnapshot;
  preview: number;
  /** null draws the bare image (ignored for 'truth'). */
  token: number | null;
  opacity: number;
  colormap: ColormapName;
  size: number;
  label: string;
  testId: string;
  layer?: TileLayer;
}

function pixels(snapshot: MaskSnapshot, preview: number, token: number | null, opacity: number, lut: Uint8ClampedArray, layer: TileLayer): Uint8ClampedArray {
  if (layer === 'truth') return composeTruth(snapshot, preview, opacity) ?? composeOverlay(snapshot, preview, null, opacity, lut);
  const masks = layer === 'student' && snapshot.studentMasks ? snapshot.studentMasks : snapshot.masks;
  return composeOverlay(snapshot, preview, token, opacity, lut, masks);
}

/**
 * One tile at the snapshot's native size (CSS scales it). Painting goes through the frame-budgeted
 * tile queue; `data-drawn-step` says which snapshot the pixels show once painted.
 */
export const MaskCanvas = memo(function MaskCanvas({ snapshot, preview, token, opacity, colormap, size, label, testId, layer = 'teacher' }: MaskCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const lut = useMemo(() => colormapLut(colormap), [colormap]);
  const [H, W] = snapshot.imageSize;
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    tileQueue.schedule(canvas, () => {
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      const px = pixels(snapshot, preview, token, opacity, lut, layer);
      ctx.putImageData(new ImageData(px as Uint8ClampedArray<ArrayBuffer>, W, H), 0, 0);
      canvas.dataset.drawnStep = String(snapshot.step);
    });
    return () => tileQueue.cancel(canvas);
  }, [snapshot, preview, token, opacity, lut, H, W, layer]);
  return (
    <canvas ref={ref} width={W} height={H} style={{ width: size, height: size }} className="mask-canvas" data-testid={testId}
      data-step={snapshot.step} data-layer={layer} role="img" aria-label={label} />
  );
});
