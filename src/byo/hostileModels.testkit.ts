// Hostile model files made at test time (small in memory): the generators behind the model
// sandbox's and the sizing's tests. Each returns the files as the engine receives them.
import type { ModelFileData } from './files';

const enc = new TextEncoder();

/** model.json (and optional shards) as the engine receives dropped files. */
export function modelFiles(folder: string, json: unknown, shards: Record<string, Uint8Array> = {}): ModelFileData[] {
  const files: ModelFileData[] = [{ name: `${folder}/model.json`, data: enc.encode(JSON.stringify(json)).buffer as ArrayBuffer }];
  for (const [name, bytes] of Object.entries(shards)) files.push({ name: `${folder}/${name}`, data: bytes.slice().buffer as ArrayBuffer });
  return files;
}

const dense = (name: string, units: number, inputShape?: number[]) => ({
  class_name: 'Dense',
  config: { name, units, activation: 'linear', use_bias: true, ...(inputShape ? { batch_input_shape: [null, ...inputShape] } : {}) },
});

/** A layers model of Dense layers only (no 4-D layer, so no tap), with its weights. */
export function denseOnlySequential(): ModelFileData[] {
  const topology = { class_name: 'Sequential', config: { name: 'dense_only', layers: [dense('d1', 4, [8]), dense('d2', 2)] } };
  const weights = [
    { name: 'd1/kernel', shape: [8, 4], dtype: 'float32' },
    { name: 'd1/bias', shape: [4], dtype: 'float32' },
    { name: 'd2/kernel', shape: [4, 2], dtype: 'float32' },
    { name: 'd2/bias', shape: [2], dtype: 'float32' },
  ];
  const values = weights.reduce((a, w) => a + w.shape.reduce((x, d) => x * d, 1), 0);
  return modelFiles('dense-only', { format: 'layers-model', modelTopology: { class_name: 'Sequential', config: topology.config }, weightsManifest: [{ paths: ['w.bin'], weights }] }, { 'w.bin': new Uint8Array(values * 4) });
}

/**
 * A Sequential nested `depth` deep (each level one Sequential holding the next), written as JSON
 * text directly: an object this deep cannot be JSON.stringify'd without a deep stack.
 */
export function deepSequential(depth: number): ModelFileData[] {
  const open = '{"class_name":"Sequential","config":{"name":"s","batch_input_shape":[null,8,8,3],"layers":[';
  const close = ']}}';
  const inner = JSON.stringify({ class_name: 'Conv2D', config: { name: 'c', filters: 1, kernel_size: [1, 1], batch_input_shape: [null, 8, 8, 3] } });
  const topo = open.repeat(depth) + inner + close.repeat(depth);
  const text = `{"format":"layers-model","modelTopology":${topo},"weightsManifest":[]}`;
  return [{ name: 'deep/model.json', data: enc.encode(text).buffer as ArrayBuffer }];
}

/**
 * A functional model whose one nested model is called `calls` times at each of `levels` levels
 * (every level's model calls the level below `calls` times in a chain): N^L calls if each call
 * were sized again. 3-channel 8×8 input at the top.
 */
export function nestedCalls(calls: number, levels: number, grow = false): ModelFileData[] {
  // An inner model's input declares no shape when `open`: it takes each call's shape.
  const input = (name: string, open = false) => ({ class_name: 'InputLayer', name, config: open ? { name } : { name, batch_input_shape: [null, 8, 8, 3] }, inbound_nodes: [] });
  // The leaf keeps its input's shape (every call of a level then has the same shape, sized once),
  // or (`grow`) pads it by one pixel a side, so every call of every level sees a new shape.
  const leafLayer = grow
    ? { class_name: 'ZeroPadding2D', name: 'leaf_op', config: { name: 'leaf_op', padding: [[1, 1], [1, 1]] }, inbound_nodes: [[['leaf_in', 0, 0, {}]]] }
    : { class_name: 'ReLU', name: 'leaf_op', config: { name: 'leaf_op' }, inbound_nodes: [[['leaf_in', 0, 0, {}]]] };
  let model: Record<string, unknown> = {
    class_name: 'Functional',
    name: 'leaf',
    config: {
      name: 'leaf',
      layers: [input('leaf_in', grow), leafLayer],
      input_layers: [['leaf_in', 0, 0]],
      output_layers: [['leaf_op', 0, 0]],
    },
  };
  for (let l = 0; l < levels; l++) {
    const name = `level${l}`;
    const inner = model.name as string;
    // The nested model's node 0 is its own construction; the outer calls are nodes 1 … calls.
    const inbound = Array.from({ length: calls }, (_, k) => [[k === 0 ? `${name}_in` : inner, k === 0 ? 0 : k, 0, {}]]);
    model = {
      class_name: 'Functional',
      name,
      config: {
        name,
        layers: [input(`${name}_in`, grow && l < levels - 1), { ...model, inbound_nodes: inbound }],
        input_layers: [[`${name}_in`, 0, 0]],
        output_layers: [[inner, calls, 0]],
      },
    };
  }
  return modelFiles('nested', { format: 'layers-model', modelTopology: { class_name: 'Functional', config: model.config }, weightsManifest: [] });
}

// ---- graph models ------------------------------------------------------------------------------

const b64 = (s: string) => btoa(s);
const dims = (shape: readonly number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });
const FLOAT = { type: 'DT_FLOAT' };

interface GraphNodeSpec {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

/** A TF GraphDef in JSON with its weights, built node by node (what tensorflowjs_converter writes). */
export class GraphBuilder {
  readonly nodes: GraphNodeSpec[] = [];
  private readonly weights: { name: string; shape: number[]; dtype: string }[] = [];
  private readonly buffers: Uint8Array[] = [];

  constructor(input: readonly number[] = [1, 64, 64, 3]) {
    this.nodes.push({ name: 'image', op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: dims(input) } } });
  }

  /** A constant with its values in the weights (int32 or float32). */
  constant(name: string, shape: readonly number[], values: readonly number[], dtype: 'int32' | 'float32' = 'int32'): string {
    const tfType = dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type: tfType }, value: { tensor: { dtype: tfType, tensorShape: dims(shape) } } } });
    this.weights.push({ name, shape: [...shape], dtype });
    const array = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
    this.buffers.push(new Uint8Array(array.buffer));
    return name;
  }

  op(name: string, op: string, input: string[], attr: Record<string, unknown> = {}): string {
    this.nodes.push({ name, op, input, attr: { T: FLOAT, ...attr } });
    return name;
  }

  /** ResizeBilinear of `x` to side×side. */
  resize(name: string, x: string, h: number, w = h): string {
    return this.op(name, 'ResizeBilinear', [x, this.constant(`${name}/size`, [2], [h, w])], { align_corners: { b: false }, half_pixel_centers: { b: true } });
  }

  /** A 1×1 convolution of `x` (cin channels) to cout, with seeded weights. */
  conv(name: string, x: string, cin: number, cout: number, stride = 1): string {
    const kernel = this.constant(`${name}/kernel`, [1, 1, cin, cout], Array.from({ length: cin * cout }, (_, i) => Math.sin(i + 1) / cin), 'float32');
    return this.op(name, 'Conv2D', [x, kernel], {
      strides: { list: { i: ['1', String(stride), String(stride), '1'] } },
      padding: { s: b64('SAME') },
      data_format: { s: b64('NHWC') },
      dilations: { list: { i: ['1', '1', '1', '1'] } },
    });
  }

  files(folder: string): ModelFileData[] {
    const total = this.buffers.reduce((a, b) => a + b.byteLength, 0);
    const data = new Uint8Array(total);
    let off = 0;
    for (const b of this.buffers) {
      data.set(b, off);
      off += b.byteLength;
    }
    const json = {
      format: 'graph-model',
      modelTopology: { node: this.nodes, library: {}, versions: { producer: 1395 } },
      weightsManifest: [{ paths: ['w.bin'], weights: this.weights }],
    };
    return modelFiles(folder, json, { 'w.bin': data });
  }
}

/** A graph teacher-shaped model whose one node makes a [1, side, side, 3] tensor (a resize to a constant size): under 1 KB. */
export function hugeNodeGraph(side: number): ModelFileData[] {
  const g = new GraphBuilder();
  const feat = g.op('feat/Relu', 'Relu', [g.conv('feat', 'image', 3, 16, 4)]);
  g.op('Identity', 'Identity', [g.resize('up', g.conv('logits', feat, 16, 3), side)]);
  return g.files('huge-node');
}

/** A graph whose Fill node makes a tensor of the constant shape `shape` (the constant-shaped node). */
export function fillGraph(shape: readonly number[]): ModelFileData[] {
  const g = new GraphBuilder();
  const fill = g.op('big', 'Fill', [g.constant('big/dims', [shape.length], shape), g.constant('big/value', [], [1], 'float32')]);
  g.op('out', 'AddV2', [g.conv('feat', 'image', 3, 3), g.op('small', 'Mean', [fill, g.constant('small/axes', [1], [0])], { keep_dims: { b: true } })]);
  return g.files('fill');
}

/**
 * `count` resizes of the image, each to [1, side, side, 3] (each small), all alive at once until
 * one ConcatV2 reads them: the sum of live tensors, not any one of them, is what is too large.
 */
export function manyLiveGraph(count: number, side: number): ModelFileData[] {
  const g = new GraphBuilder();
  const parts = Array.from({ length: count }, (_, i) => g.resize(`r${i}`, 'image', side));
  g.op('cat', 'ConcatV2', [...parts, g.constant('cat/axis', [], [3])], { N: { i: String(count) } });
  return g.files('many-live');
}

/** A chain of `depth` Relu nodes over an 8×8 image: deep, small. */
export function chainGraph(depth: number): ModelFileData[] {
  const g = new GraphBuilder([1, 8, 8, 3]);
  let x = 'image';
  for (let i = 0; i < depth; i++) x = g.op(`relu${i}`, 'Relu', [x]);
  return g.files('chain');
}

/** A graph whose node `feat/op` runs the op `op` (unknown to the sizing and to tfjs). */
export function unknownOpGraph(op: string): ModelFileData[] {
  const g = new GraphBuilder();
  g.op('Identity', 'Identity', [g.op('feat/op', op, [g.conv('feat', 'image', 3, 8)])]);
  return g.files('unknown-op');
}
