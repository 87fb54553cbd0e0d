// Small PNGs for the screenshots in README.md and docs/page.md: the page's colours reduced to a palette (median cut
// over a 15-bit histogram), written as an indexed PNG with fast-png. A 1280×720 screenshot of the
// page goes from ~400 KB (RGBA) to well under half that, with the UI's flat colours kept exact
// enough to read and the mask tiles' gradients kept recognisable.
import { decode, encode } from 'fast-png';

type RGB = [number, number, number];

interface Box {
  bins: number[];
  count: number;
}

const key = (r: number, g: number, b: number) => ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
const channel = (bin: number, c: number) => (bin >> (10 - 5 * c)) & 31;

/** Median cut: splits the most populous box along its widest channel until `colours` boxes. */
function medianCut(hist: Uint32Array, colours: number): RGB[] {
  const all: number[] = [];
  let total = 0;
  for (let i = 0; i < hist.length; i++) {
    if (!hist[i]) continue;
    all.push(i);
    total += hist[i];
  }
  const boxes: Box[] = [{ bins: all, count: total }];
  while (boxes.length < colours) {
    let pick = -1;
    for (let i = 0; i < boxes.length; i++) if (boxes[i].bins.length > 1 && (pick < 0 || boxes[i].count > boxes[pick].count)) pick = i;
    if (pick < 0) break;
    const { bins } = boxes[pick];
    let widest = 0;
    let span = -1;
    for (let c = 0; c < 3; c++) {
      let lo = 31;
      let hi = 0;
      for (const b of bins) {
        lo = Math.min(lo, channel(b, c));
        hi = Math.max(hi, channel(b, c));
      }
      if (hi - lo > span) {
        span = hi - lo;
        widest = c;
      }
    }
    bins.sort((a, b) => channel(a, widest) - channel(b, widest));
    let half = 0;
    let cut = 0;
    const count = boxes[pick].count;
    while (cut < bins.length - 1 && half + hist[bins[cut]] <= count / 2) half += hist[bins[cut++]];
    cut = Math.max(1, cut);
    const a = bins.slice(0, cut);
    const b = bins.slice(cut);
    const sum = (xs: number[]) => xs.reduce((n, x) => n + hist[x], 0);
    boxes.splice(pick, 1, { bins: a, count: sum(a) }, { bins: b, count: sum(b) });
  }
  return boxes.map(({ bins, count }) => {
    const m = [0, 0, 0];
    for (const b of bins) for (let c = 0; c < 3; c++) m[c] += (channel(b, c) * 8 + 4) * hist[b];
    return m.map((v) => Math.round(v / Math.max(1, count))) as RGB;
  });
}

/** The PNG `png` (RGB or RGBA, 8-bit) as an indexed PNG of at most `colours` colours. */
export function indexedPng(png: Uint8Array, colours = 256): Uint8Array {
  const img = decode(png);
  const ch = img.channels;
  const px = img.width * img.height;
  const data = img.data;
  const hist = new Uint32Array(1 << 15);
  for (let i = 0; i < px; i++) hist[key(data[i * ch], data[i * ch + 1], data[i * ch + 2])]++;
  const palette = medianCut(hist, colours);
  // Nearest palette colour per histogram bin (not per pixel): 32k lookups at most.
  const nearest = new Int16Array(1 << 15).fill(-1);
  const index = new Uint8Array(px);
  for (let i = 0; i < px; i++) {
    const k = key(data[i * ch], data[i * ch + 1], data[i * ch + 2]);
    if (nearest[k] < 0) {
      const r = channel(k, 0) * 8 + 4;
      const g = channel(k, 1) * 8 + 4;
      const b = channel(k, 2) * 8 + 4;
      let best = 0;
      let bestD = Infinity;
      palette.forEach(([pr, pg, pb], j) => {
        const d = (pr - r) ** 2 + (pg - g) ** 2 + (pb - b) ** 2;
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      });
      nearest[k] = best;
    }
    index[i] = nearest[k];
  }
  return encode({ width: img.width, height: img.height, data: index, depth: 8, channels: 1, palette }, { zlib: { level: 9 } });
}
