// Test helpers: small ONNX models written by hand (through the same schema), fixture files, .npy.
import { readFileSync } from 'node:fs';
import { readNpy, type NpyArray } from './npy';
import { ModelProtoType } from './schema';

export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
export const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(FIXTURES + name));
export const npy = (name: string): NpyArray => readNpy(fixture(name));

/** A float tensor attribute (a Constant's value). */
export interface TinyTensor { dims: number[]; values: number[] }

export interface TinyNode { op: string; inputs: string[]; outputs: string[]; name?: string; attrs?: Record<string, number | number[] | string | TinyTensor> }

function attr(name: string, v: number | number[] | string | TinyTensor): Record<string, unknown> {
  if (typeof v === 'object' && !Array.isArray(v)) return { name, type: 4, t: { dims: v.dims, data_type: 1, raw_data: new Uint8Array(Float32Array.from(v.values).buffer) } };
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  return Number.isInteger(v) ? { name, type: 2, i: v } : { name, type: 1, f: v };
}

/** An .onnx file of one float input [N, C, H, W], the given nodes and float initialisers. */
export function tinyModel(opts: {
  input: [number | string, number, number, number];
  nodes: TinyNode[];
  outputs: string[];
  inits?: Record<string, { dims: number[]; values?: number[]; raw?: Uint8Array; external?: Record<string, string> }>;
  opset?: number;
}): Uint8Array {
  const dim = (d: number | string) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d });
  const info = (name: string, shape?: (number | string)[]) => ({ name, type: { tensor_type: { elem_type: 1, ...(shape ? { shape: { dim: shape.map(dim) } } : {}) } } });
  const initializer = Object.entries(opts.inits ?? {}).map(([name, t]) => ({
    name, dims: t.dims, data_type: 1,
    ...(t.values ? { raw_data: new Uint8Array(Float32Array.from(t.values).buffer) } : {}),
    ...(t.raw ? { raw_data: t.raw } : {}),
    ...(t.external ? { data_location: 1, external_data: Object.entries(t.external).map(([key, value]) => ({ key, value })) } : {}),
  }));
  const model = {
    ir_version: 8,
    opset_import: [{ domain: '', version: opts.opset ?? 13 }],
    producer_name: 'testkit',
    graph: {
      name: 'tiny',
      node: opts.nodes.map((n, i) => ({
        op_type: n.op, input: n.inputs, output: n.outputs, name: n.name ?? `${n.op}_${i}`,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attr(k, v)),
      })),
      initializer,
      input: [info('x', [...opts.input])],
      output: opts.outputs.map((o) => info(o)),
    },
  };
  return ModelProtoType.encode(ModelProtoType.fromObject(model)).finish();
}

export { relError } from './relError';
