// A graph model's constants as the static sizing sees them: the shape from the weight manifest (or
// the node's own tensor shape), and the values of small int and float32 constants read from the
// weight bytes (plain, or float16-quantised as tfjs converters write them). Pure: no tfjs.
import { LIMITS } from '../../limits';
import type * as tf from '@tensorflow/tfjs';
import { storedBytes } from '../modelFiles';
import { elements, sym, type Sym } from './symbolic';
import { halfToFloat } from '../../float16';
import { isRecord } from '../../isRecord';

type WeightSpec = tf.io.WeightsManifestEntry;

export class ConstValues {
  private readonly at = new Map<string, { spec: WeightSpec; offset: number }>();
  private readonly view: DataView;

  constructor(specs: readonly WeightSpec[], weightData: ArrayBuffer) {
    this.view = new DataView(weightData);
    let offset = 0;
    for (const spec of specs) {
      this.at.set(spec.name, { spec, offset });
      offset += storedBytes(spec);
    }
  }

  /** The constant node `name` (its attr as a fallback for the shape), or null when it has no shape anywhere. */
  sym(name: string, attr: unknown): Sym | null {
    const w = this.at.get(name);
    if (w) return sym(w.spec.shape, w.spec.dtype === 'float32' ? 'float32' : w.spec.dtype, this.values(w.spec, w.offset));
    const tensor = isRecord(attr) && isRecord(attr.value) && isRecord(attr.value.tensor) ? attr.value.tensor : null;
    const shape = tensor && isRecord(tensor.tensorShape) ? tensor.tensorShape : null;
    if (!shape) return null;
    const dims = Array.isArray(shape.dim) ? shape.dim.map((d) => Number(isRecord(d) ? (d.size ?? 0) : NaN)) : [];
    return sym(dims, 'float32');
  }

  private values(spec: WeightSpec, offset: number): number[] | undefined {
    const n = elements(spec.shape);
    if (n > LIMITS.modelGraphValues.value || offset + storedBytes(spec) > this.view.byteLength) return undefined;
    const q = spec.quantization?.dtype;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!q && spec.dtype === 'int32') out.push(this.view.getInt32(offset + 4 * i, true));
      else if (!q && spec.dtype === 'float32') out.push(this.view.getFloat32(offset + 4 * i, true));
      else if (q === 'float16' && spec.dtype === 'float32') out.push(halfToFloat(this.view.getUint16(offset + 2 * i, true)));
      else return undefined;
    }
    return out;
  }
}
