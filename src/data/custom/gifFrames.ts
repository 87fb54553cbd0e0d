// The size a GIF decodes to: the largest of its logical screen and every frame's extent. A frame
// may be larger than the screen, and decoders allocate the frame at its own size (a 1×1 screen
// over a 4097² frame decoded to 64 MiB), so the caps are checked against the largest. One pass over
// the blocks (image descriptors are read; colour tables, extensions and LZW data are skipped by
// their lengths), bounded by the bytes: every step moves forward by at least one byte.

export interface GifExtent {
  readonly width: number;
  readonly height: number;
  /** Image descriptors seen before the trailer (or the end of the bytes). */
  readonly frames: number;
}

const u16le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);

/** The position after the data sub-blocks starting at `at` (each a length byte, 0 ends them); b.length when cut short. */
function skipSubBlocks(b: Uint8Array, at: number): number {
  while (at < b.length) {
    const n = b[at];
    at += 1 + n;
    if (n === 0) return at;
  }
  return b.length;
}

/** Colour table bytes that a packed-fields byte announces (0 when its flag is off). */
const colourTable = (packed: number): number => (packed & 0x80 ? 3 * (1 << ((packed & 7) + 1)) : 0);

/**
 * The screen and frame extents of the GIF in `b` (from its signature), or null when its screen
 * descriptor is cut short. A file cut off after some frames gives the largest of those read.
 */
export function readGifExtent(b: Uint8Array): GifExtent | null {
  if (b.length < 13) return null;
  let width = u16le(b, 6);
  let height = u16le(b, 8);
  let frames = 0;
  let at = 13 + colourTable(b[10]);
  while (at < b.length) {
    const block = b[at];
    if (block === 0x3b) break; // trailer
    if (block === 0x21) {
      // Extension: label, then sub-blocks.
      at = skipSubBlocks(b, at + 2);
    } else if (block === 0x2c) {
      if (at + 10 > b.length) break;
      // Where the frame ends on the canvas: a decoder needs at least this much.
      width = Math.max(width, u16le(b, at + 1) + u16le(b, at + 5));
      height = Math.max(height, u16le(b, at + 3) + u16le(b, at + 7));
      frames++;
      // Descriptor (10), local colour table, LZW minimum code size (1), image data.
      at = skipSubBlocks(b, at + 10 + colourTable(b[at + 9]) + 1);
    } else {
      break; // not a GIF block: the decoder stops here too
    }
  }
  return { width, height, frames };
}
