// A graph node's attributes as model.json writes them (TF's AttrValue in JSON: {i: "2"},
// {list: {i: [...]}}, {s: base64}, {b: true}, {type: "DT_FLOAT"}, {f: 0.5}), read defensively:
// a missing or malformed attribute is the default. Pure: no tfjs.
import { isRecord } from '../../isRecord';

const DTYPES: Readonly<Record<string, string>> = {
  DT_FLOAT: 'float32',
  DT_HALF: 'float32',
  DT_DOUBLE: 'float32',
  DT_INT32: 'int32',
  DT_INT64: 'int32',
  DT_INT16: 'int32',
  DT_INT8: 'int32',
  DT_UINT8: 'int32',
  DT_BOOL: 'bool',
  DT_STRING: 'string',
  DT_COMPLEX64: 'complex64',
};

export class Attrs {
  private readonly attr: Record<string, unknown>;
  constructor(attr: unknown) {
    this.attr = isRecord(attr) ? attr : {};
  }

  private raw(name: string): Record<string, unknown> | null {
    const v = this.attr[name];
    return isRecord(v) ? v : null;
  }

  int(name: string, fallback: number): number {
    const n = Number(this.raw(name)?.i);
    return Number.isSafeInteger(n) ? n : fallback;
  }

  bool(name: string, fallback = false): boolean {
    const b = this.raw(name)?.b;
    return typeof b === 'boolean' ? b : fallback;
  }

  ints(name: string): number[] | null {
    const list = this.raw(name)?.list;
    const i = isRecord(list) ? list.i : undefined;
    if (!Array.isArray(i)) return null;
    const out = i.map(Number);
    return out.every((n) => Number.isSafeInteger(n)) ? out : null;
  }

  /** A string attribute (base64 in model.json), e.g. padding "SAME". */
  string(name: string, fallback: string): string {
    const s = this.raw(name)?.s;
    if (typeof s !== 'string' || s.length > 64) return fallback;
    try {
      return atob(s);
    } catch {
      return fallback;
    }
  }

  strings(name: string): string[] {
    const list = this.raw(name)?.list;
    const s = isRecord(list) ? list.s : undefined;
    if (!Array.isArray(s)) return [];
    return s.slice(0, 16).map((x) => {
      try {
        return typeof x === 'string' ? atob(x) : '';
      } catch {
        return '';
      }
    });
  }

  /** A dtype attribute (T, dtype, DstT) as tfjs names it; `fallback` when absent. */
  dtype(name: string, fallback: string): string {
    const t = this.raw(name)?.type;
    return typeof t === 'string' ? (DTYPES[t] ?? t) : fallback;
  }
}
