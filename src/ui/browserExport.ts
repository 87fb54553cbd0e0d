// The browser side of exports: saving bytes as a download, and the mask gallery as a PNG.
import type { ExportEnv } from '../state/exportActions';
import { useAppStore } from '../state/store';
import type { MaskSnapshot } from '../engine/progress';
import { colormapLut } from '../viz/colormap';
import { galleryLayout } from './galleryLayout';
import { composeOverlay } from './overlay';

function save(name: string, data: Uint8Array | string, mime: string): void {
  const blob = new Blob([typeof data === 'string' ? data : (data as Uint8Array<ArrayBuffer>)], { type: mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the download a moment to start before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Every scene and token of the snapshot as drawn in the gallery (same colour map and opacity). */
async function png(snapshot: MaskSnapshot): Promise<Uint8Array> {
  const { colormap, opacity } = useAppStore.getState();
  const lut = colormapLut(colormap);
  const [H, W] = snapshot.imageSize;
  const layout = galleryLayout(snapshot.previews, snapshot.numTokens, H, W);
  const canvas = document.createElement('canvas');
  canvas.width = layout.width;
  canvas.height = layout.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw on a canvas');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, layout.width, layout.height);
  for (const tile of layout.tiles) {
    const px = composeOverlay(snapshot, tile.preview, tile.token, opacity, lut);
    ctx.putImageData(new ImageData(px as Uint8ClampedArray<ArrayBuffer>, W, H), tile.x, tile.y);
  }
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the browser could not encode the PNG');
  return new Uint8Array(await blob.arrayBuffer());
}

export function browserExportEnv(): ExportEnv {
  return { save, png, now: () => new Date() };
}
