// Decoding JPEG/WebP/BMP/GIF images in the worker with the browser's own decoders
// (createImageBitmap + OffscreenCanvas). PNGs never come here: fast-png decodes them exactly.
import type { DatasetFile, RgbImage } from '../data/custom/types';

export async function browserImageDecoder(file: DatasetFile): Promise<RgbImage> {
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') {
    throw new Error('this browser has no createImageBitmap/OffscreenCanvas in workers');
  }
  // No colour-space conversion or premultiplication: the pixels as stored in the file.
  const bitmap = await createImageBitmap(new Blob([file.data]), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  try {
    const { width, height } = bitmap;
    const ctx = new OffscreenCanvas(width, height).getContext('2d');
    if (!ctx) throw new Error('no 2D context on an OffscreenCanvas');
    ctx.drawImage(bitmap, 0, 0);
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
      rgb[j] = rgba[i];
      rgb[j + 1] = rgba[i + 1];
      rgb[j + 2] = rgba[i + 2];
    }
    return { width, height, data: rgb };
  } finally {
    bitmap.close();
  }
}
