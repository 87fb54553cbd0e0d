import type { LinkMasks } from './linkSchema';

/** Halves mask images [P,H,W,T] to ⌈H/2⌉×⌈W/2⌉ by averaging each 2×2 block (edge blocks use the pixels they have). */
export function halveMasks(masks: LinkMasks, previews: number, tokens: number): LinkMasks {
  const { height: h, width: w, data } = masks;
  const h2 = Math.ceil(h / 2);
  const w2 = Math.ceil(w / 2);
  const out = new Float32Array(previews * h2 * w2 * tokens);
  for (let p = 0; p < previews; p++)
    for (let y = 0; y < h2; y++)
      for (let x = 0; x < w2; x++)
        for (let t = 0; t < tokens; t++) {
          let sum = 0;
          let n = 0;
          for (let dy = 0; dy < 2 && 2 * y + dy < h; dy++)
            for (let dx = 0; dx < 2 && 2 * x + dx < w; dx++) {
              sum += data[((p * h + 2 * y + dy) * w + 2 * x + dx) * tokens + t];
              n++;
            }
          out[((p * h2 + y) * w2 + x) * tokens + t] = Math.min(1, sum / n);
        }
  return { height: h2, width: w2, data: out };
}
