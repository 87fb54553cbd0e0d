import { useEffect, useMemo, useRef } from 'react';
import type { MaskSnapshot } from '../train/protocol';
import { colormapLut, type ColormapName } from './colormap';
import { composeOverlay } from './overlay';

export interface MaskCanvasProps {
  snapshot: MaskSnapshot;
  preview: number;
  /** null draws the bare image. */
  token: number | null;
  opacity: number;
  colormap: ColormapName;
  size: number;
  label: string;
  testId: string;
}

export function MaskCanvas({ snapshot, preview, token, opacity, colormap, size, label, testId }: MaskCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const lut = useMemo(() => colormapLut(colormap), [colormap]);
  const [H, W] = snapshot.imageSize;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const px = composeOverlay(snapshot, preview, token, opacity, lut);
    ctx.putImageData(new ImageData(px as Uint8ClampedArray<ArrayBuffer>, W, H), 0, 0);
  }, [snapshot, preview, token, opacity, lut, H, W]);
  return (
    <canvas ref={ref} width={W} height={H} style={{ width: size, height: size }} className="mask-canvas" data-testid={testId}
      data-step={snapshot.step} role="img" aria-label={label} />
  );
}
