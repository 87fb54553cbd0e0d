// NumPy broadcasting of logical shapes, and bringing a lower-rank operand next to an NHWC one.
import * as tf from '@tensorflow/tfjs';
import { type BuildContext, TO_NHWC } from './context';
import { BATCH, type Dim } from './types';

/** The broadcast shape of `shapes` (right-aligned); refuses sizes that cannot broadcast. */
export function broadcastShape(ctx: BuildContext, shapes: readonly (readonly Dim[])[]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v === 1 || v === d) continue;
      if (d === 1) d = v;
      else throw ctx.refuse(`shapes ${shapes.map((x) => `[${x.join(',')}]`).join(' and ')} do not broadcast`);
    }
    out.push(d === BATCH ? BATCH : d);
  }
  return out;
}

/** A logical operand of rank < 4 made to broadcast against NHWC tensors: [.., C, H, W] → [1|N, H, W, C]. */
export function alignToNhwc(t: tf.Tensor): tf.Tensor {
  if (t.rank === 0) return t;
  const shape = [...Array(4 - t.rank).fill(1), ...t.shape];
  return tf.transpose(tf.reshape(t, shape), TO_NHWC);
}
