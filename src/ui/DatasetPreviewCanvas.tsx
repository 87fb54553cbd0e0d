import { useEffect, useRef } from 'react';
import type { DatasetPreview } from '../engine/datasets';
import { previewPixels } from './datasetPreview';

export function DatasetPreviewCanvas({ preview, testId, size = 96 }: { preview: DatasetPreview; testId: string; size?: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const px = previewPixels(preview);
    ctx.putImageData(new ImageData(px as Uint8ClampedArray<ArrayBuffer>, preview.width, preview.height), 0, 0);
  }, [preview]);
  const what = preview.labels ? 'labels tinted' : `${preview.boxes.length} boxes outlined`;
  return (
    <figure className="dataset-preview">
      <canvas ref={ref} width={preview.width} height={preview.height} style={{ width: size, height: size }} className="mask-canvas"
        data-testid={testId} role="img" aria-label={`${preview.file}, ${what}`} />
      <figcaption title={preview.file}>{preview.file.slice(preview.file.lastIndexOf('/') + 1)}</figcaption>
    </figure>
  );
}
