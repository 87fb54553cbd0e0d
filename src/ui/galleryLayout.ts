/** Tile positions of the gallery PNG: a row per scene, the bare scene then one tile per token. */
export interface GalleryTile {
  preview: number;
  /** null: the scene without a mask. */
  token: number | null;
  x: number;
  y: number;
}

export const GALLERY_GAP = 2;

export function galleryLayout(previews: number, tokens: number, h: number, w: number, gap = GALLERY_GAP): { width: number; height: number; tiles: GalleryTile[] } {
  const tiles: GalleryTile[] = [];
  for (let p = 0; p < previews; p++) {
    for (let c = 0; c <= tokens; c++) tiles.push({ preview: p, token: c === 0 ? null : c - 1, x: gap + c * (w + gap), y: gap + p * (h + gap) });
  }
  return { width: gap + (tokens + 1) * (w + gap), height: gap + previews * (h + gap), tiles };
}
