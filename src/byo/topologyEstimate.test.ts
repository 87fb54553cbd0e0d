// The topology estimate against tfjs itself (parameter counts of models of every layer kind), the
// hostile topologies it refuses before tf.loadLayersModel allocates anything, and fuzzing (an
// estimate or a ModelFileError, bounded, for any topology).
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assertBounded, cpuTimedAsync } from '../fuzz.testkit';
import { LIMITS } from '../limits';
import { fixture, LIMITS as DEVICE } from './fixtures.testkit';
import { loadLayersFromParsed, manifestValues } from './loadLayers';
import { ModelFileError, parseModelFiles, type ModelFile } from './modelFiles';
import { checkLayersTopology, estimateTopology, SIZED_LAYER_CLASSES } from './topologyEstimate';
import { LAYER_RULES } from './layersSizing/layerRules';
import { BilinearResize } from '../models/resizeLayer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function artifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let out: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (a) => {
    out = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return out!;
}

/** model.json + one shard, as dropped files. */
function filesOf(doc: unknown, weights = new Uint8Array(0)): ModelFile[] {
  return [
    { name: 'm/model.json', data: new TextEncoder().encode(JSON.stringify(doc)).slice().buffer },
    ...(weights.length ? [{ name: 'm/w.bin', data: weights.slice().buffer }] : []),
  ];
}

const L = tf.layers;

describe('the estimate equals tfjs countParams() for every layer kind', () => {
  const builders: Record<string, () => tf.LayersModel> = {
    'conv stack (Conv2D, BN, pooling, depthwise, separable, transpose, padding, cropping, upsampling, PReLU, LayerNorm, dense head)': () =>
      tf.sequential({
        layers: [
          L.conv2d({ inputShape: [32, 30, 3], filters: 8, kernelSize: 3, strides: 2, padding: 'same' }),
          L.batchNormalization(),
          L.maxPooling2d({ poolSize: 2 }),
          L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
          L.separableConv2d({ filters: 12, kernelSize: 3, depthMultiplier: 2, useBias: false }),
          L.conv2dTranspose({ filters: 6, kernelSize: 3, strides: 2 }),
          L.zeroPadding2d({ padding: [[1, 2], [0, 3]] }),
          L.cropping2D({ cropping: [[1, 1], [2, 0]] }),
          L.upSampling2d({ size: [2, 1] }),
          L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
          L.prelu({ sharedAxes: [1, 2] }),
          L.layerNormalization(),
          L.conv2d({ filters: 5, kernelSize: [1, 3], dilationRate: 1 }),
          L.globalAveragePooling2d({}),
          L.dense({ units: 7, activation: 'relu' }),
          L.dropout({ rate: 0.1 }),
          L.batchNormalization({ center: false }),
          L.dense({ units: 3 }),
        ],
      }),
    'reshaping (Flatten, Reshape, Permute, RepeatVector) and Dense on 3-D inputs': () =>
      tf.sequential({
        layers: [
          L.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3 }),
          L.flatten(),
          L.reshape({ targetShape: [6, -1] }),
          L.permute({ dims: [2, 1] }),
          L.dense({ units: 5 }),
          L.globalMaxPooling1d({}),
          L.repeatVector({ n: 4 }),
          L.dense({ units: 2 }),
          L.activation({ activation: 'softmax' }),
        ],
      }),
    'functional: Add, Concatenate, Multiply, a shared layer, a nested model, MaskdBilinearResize': () => {
      const input = tf.input({ shape: [16, 16, 3] });
      const shared = L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'shared' });
      const a = shared.apply(input) as tf.SymbolicTensor;
      const b = L.conv2d({ filters: 4, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
      const sum = L.add().apply([a, b]) as tf.SymbolicTensor;
      const again = shared.apply(L.conv2d({ filters: 3, kernelSize: 1 }).apply(sum) as tf.SymbolicTensor) as tf.SymbolicTensor;
      const cat = L.concatenate().apply([sum, again, L.multiply().apply([a, b]) as tf.SymbolicTensor]) as tf.SymbolicTensor;
      const inner = tf.sequential({ layers: [L.conv2d({ inputShape: [16, 16, 12], filters: 6, kernelSize: 3, padding: 'same' }), L.batchNormalization()] });
      const nested = inner.apply(cat) as tf.SymbolicTensor;
      const up = new BilinearResize({ height: 32, width: 32 }).apply(nested) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: L.conv2d({ filters: 2, kernelSize: 1 }).apply(up) as tf.SymbolicTensor });
    },
    'sequences: Embedding, Conv1D, pooling 1-D, SimpleRNN, GRU, LSTM, Bidirectional, TimeDistributed': () =>
      tf.sequential({
        layers: [
          L.embedding({ inputDim: 50, outputDim: 6, inputLength: 12 }),
          L.conv1d({ filters: 5, kernelSize: 3, padding: 'same' }),
          L.maxPooling1d({ poolSize: 2 }),
          L.averagePooling1d({ poolSize: 2, padding: 'same' }),
          L.simpleRNN({ units: 4, returnSequences: true }),
          L.gru({ units: 3, returnSequences: true }),
          L.bidirectional({ layer: L.lstm({ units: 2, returnSequences: true }) as never }),
          L.timeDistributed({ layer: L.dense({ units: 3 }) }),
          L.lstm({ units: 5 }),
          L.dense({ units: 1 }),
        ],
      }),
    '3-D and recurrent convolutions: Conv3D, Conv3DTranspose, pooling 3-D, ConvLSTM2D': () =>
      tf.sequential({
        layers: [
          L.conv3d({ inputShape: [6, 8, 8, 2], filters: 3, kernelSize: 3, padding: 'same' }),
          L.maxPooling3d({ poolSize: [1, 2, 2] }),
          L.conv3dTranspose({ filters: 2, kernelSize: [1, 3, 3], strides: [1, 2, 2] }),
          L.averagePooling3d({ poolSize: [2, 2, 2] }),
          L.convLstm2d({ filters: 3, kernelSize: 3, returnSequences: false, padding: 'same' }),
          L.flatten(),
          L.dense({ units: 2 }),
        ],
      }),
  };

  // Compared with the model tfjs rebuilds from the same JSON: that is what loadLayersModel would
  // allocate. (It differs from the original once: tfjs 4.22 does not save SeparableConv2D's
  // depth_multiplier, so a reloaded separable layer has multiplier 1.)
  it.each(Object.keys(builders))('%s', async (name) => {
    const model = builders[name]();
    const artifacts = await artifactsOf(model);
    const est = estimateTopology('m/model.json', artifacts.modelTopology);
    const rebuilt = await tf.models.modelFromJSON({ modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'] });
    expect(est.params).toBe(rebuilt.countParams());
    expect(est.layers).toBeGreaterThanOrEqual(model.layers.length);
    model.dispose();
    rebuilt.dispose();
  });

  it('the shipped fixtures (teacher, student, graph-free) are sized exactly too', async () => {
    for (const name of ['teacher-valid', 'student-valid', 'teacher-32', 'broken-head-skip']) {
      const parsed = parseModelFiles(await fixture(name), DEVICE);
      const est = checkLayersTopology(parsed.modelFile, parsed.artifacts.modelTopology, manifestValues(parsed));
      expect(est.params).toBe(manifestValues(parsed));
      expect(est.inputs).toEqual([[name === 'teacher-32' ? 32 : 64, name === 'teacher-32' ? 32 : 64, 3]]);
    }
  });

  it('every layer class tfjs 4.22 registers can be sized (cells inside RNN layers)', () => {
    const known = tf.serialization.SerializationMap.getMap().classNameMap;
    const layerClasses = Object.entries(known)
      .filter(([, [ctor]]) => (ctor as unknown as { prototype: unknown }).prototype instanceof tf.layers.Layer || ['Sequential', 'Functional', 'Model'].includes((ctor as { className?: string }).className ?? ''))
      .map(([n]) => n)
      .filter((n) => n !== 'ConvLSTM2DCell'); // only inside ConvLSTM2D, which is sized as a whole
    expect(layerClasses.length).toBeGreaterThan(60);
    expect(layerClasses.filter((n) => !SIZED_LAYER_CLASSES.includes(n))).toEqual([]);
  });
});

describe('a nested model called many times is sized once per input shape', () => {
  /** Level 0 is one Dense layer; level k calls level k-1 `calls` times in a chain. */
  function nestedChain(levels: number, calls: number): Record<string, unknown> {
    const input = { name: 'in', class_name: 'InputLayer', config: { batch_input_shape: [null, 4] }, inbound_nodes: [] };
    let model: Record<string, unknown> = {
      class_name: 'Functional',
      config: { layers: [input, { name: 'd', class_name: 'Dense', config: { units: 4 }, inbound_nodes: [[['in', 0, 0]]] }], input_layers: [['in', 0, 0]], output_layers: [['d', 0, 0]] },
    };
    for (let level = 1; level <= levels; level++) {
      // Call i reads call i-1's output, which tfjs numbers node i (node 0 is the nested model's own).
      const inbound = Array.from({ length: calls }, (_, i) => [i === 0 ? ['in', 0, 0] : ['m', i, 0]]);
      const nested = { name: 'm', ...model, inbound_nodes: inbound };
      model = { class_name: 'Functional', config: { layers: [input, nested], input_layers: [['in', 0, 0]], output_layers: [['m', calls, 0]] } };
    }
    return JSON.parse(JSON.stringify(model)) as Record<string, unknown>;
  }

  it('8 levels of a model called 4 times: the Dense rule runs once, not 4^8 = 65 536 times', () => {
    const dense = vi.spyOn(LAYER_RULES, 'Dense');
    try {
      const levels = 8;
      const calls = 4;
      const est = estimateTopology('m.json', nestedChain(levels, calls));
      expect(dense).toHaveBeenCalledTimes(1);
      expect(est.params).toBe(4 * 4 + 4);
      expect(est.layers).toBe(2 + levels);
      // Activations still count every call: level k holds `calls` × (level k-1's activations + its 4 outputs).
      let activations = 4;
      for (let level = 1; level <= levels; level++) activations = calls * (activations + 4);
      expect(est.activationBytes).toBe(4 * activations);
    } finally {
      dense.mockRestore();
    }
  });
});

describe('hostile topologies are refused before tf.loadLayersModel builds anything', () => {
  const denseStack = (units: number, n: number) => ({
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 'evil',
        layers: Array.from({ length: n }, (_, i) => ({ class_name: 'Dense', config: { name: `d${i}`, units, ...(i === 0 ? { batch_input_shape: [null, units] } : {}) } })),
      },
    },
    format: 'layers-model',
    weightsManifest: [],
  });

  it('eight Dense layers of 20 000 units with an empty manifest (~12.8 GB of zero-filled weights without the check)', async () => {
    const files = filesOf(denseStack(20_000, 8));
    expect(files[0].data.byteLength).toBeLessThan(1000);
    const parsed = parseModelFiles(files, DEVICE);
    const before = tf.memory();
    // CPU time of this process, not wall-clock: zero-filling the 12.8 GB would take tens of seconds.
    const { cpuMs } = await cpuTimedAsync(() =>
      expect(loadLayersFromParsed(parsed)).rejects.toThrow(
        /^m\/model\.json: declares 3 200 160 000 parameters \(12\.80 GB as float32\), over the 536 870 912 parameters \(2 GiB of float32\) limit on parameters a layers-model topology declares/,
      ),
    );
    expect(cpuMs).toBeLessThan(1000);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });

  it('a topology under the cap that declares more than its manifest holds (8 × Dense 2000: 128 MB) is refused by the mismatch', async () => {
    const parsed = parseModelFiles(filesOf(denseStack(2000, 8)), DEVICE);
    const before = tf.memory().numTensors;
    await expect(loadLayersFromParsed(parsed)).rejects.toThrow(/declares 32 016 000 parameters in its layers, but its weightsManifest holds 0 values: the weights are missing or belong to another model\. Nothing was built/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an input of 100 000×100 000 and activations of 4 GB are refused from the topology', () => {
    const input = (side: number, filters: number) => ({
      class_name: 'Sequential',
      config: { layers: [{ class_name: 'Conv2D', config: { name: 'c', filters, kernel_size: 1, batch_input_shape: [null, side, side, 3] } }] },
    });
    expect(() => checkLayersTopology('m.json', input(100_000, 4), 16)).toThrow(/takes 100000×100000 images, over the 512 pixels limit on input height or width a model declares/);
    expect(() => checkLayersTopology('m.json', input(512, 4096), 3 * 4096 + 4096)).toThrow(/would produce 4\.29 GB of activations for one image, over the 256 MiB limit/);
    expect(checkLayersTopology('m.json', input(64, 8), 32).params).toBe(32);
  });

  it('more layers than the limit; cycles and dangling references are refused by name', () => {
    const many = { class_name: 'Sequential', config: { layers: Array.from({ length: LIMITS.modelLayers.value + 1 }, (_, i) => ({ class_name: 'ReLU', config: { name: `r${i}`, ...(i === 0 ? { batch_input_shape: [null, 4] } : {}) } })) } };
    expect(() => estimateTopology('m.json', many)).toThrow(/it has 4 097 layers, over the 4 096 layers or nodes limit/);
    const cyclic = {
      class_name: 'Functional',
      config: {
        layers: [
          { name: 'in', class_name: 'InputLayer', config: { batch_input_shape: [null, 4] }, inbound_nodes: [] },
          { name: 'a', class_name: 'Dense', config: { units: 4 }, inbound_nodes: [[['b', 0, 0, {}]]] },
          { name: 'b', class_name: 'Dense', config: { units: 4 }, inbound_nodes: [[['a', 0, 0, {}]]] },
        ],
        input_layers: [['in', 0, 0]],
        output_layers: [['b', 0, 0]],
      },
    };
    expect(() => estimateTopology('m.json', cyclic)).toThrow(/m\.json: cannot be sized before it is built: layer "a" reads "b", which is missing or part of a cycle/);
  });

  it('a build that fails after the check (weights under other names) leaves no variables behind', async () => {
    const model = tf.sequential({ layers: [L.dense({ inputShape: [3], units: 2, name: 'x' })] });
    const artifacts = await artifactsOf(model);
    model.dispose();
    const specs = artifacts.weightSpecs!.map((w) => ({ ...w, name: `other/${w.name}` }));
    const doc = { modelTopology: artifacts.modelTopology, format: 'layers-model', weightsManifest: [{ paths: ['w.bin'], weights: specs }] };
    const parsed = parseModelFiles(filesOf(doc, new Uint8Array(artifacts.weightData as ArrayBuffer)), DEVICE);
    const before = tf.memory().numTensors;
    await expect(loadLayersFromParsed(parsed)).rejects.toThrow(ModelFileError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

// ---- fuzzing ----

const CLASSES = ['InputLayer', 'Dense', 'Conv2D', 'Conv2DTranspose', 'DepthwiseConv2D', 'MaxPooling2D', 'BatchNormalization', 'Flatten', 'Reshape', 'Add', 'Concatenate', 'LSTM', 'Bidirectional', 'TimeDistributed', 'Sequential', 'Functional', 'Permute', 'Dot', 'ZeroPadding2D', 'MaskdBilinearResize', 'Nope'];
const num = fc.oneof(fc.integer({ min: -2, max: 40 }), fc.constantFrom(1e9, 2 ** 53, 0.5, null), fc.string({ maxLength: 2 }));
const config: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    name: fc.constantFrom('a', 'b', 'c', 'in'),
    units: num,
    filters: num,
    kernel_size: fc.oneof(num, fc.array(num, { maxLength: 3 })),
    strides: fc.oneof(num, fc.array(num, { maxLength: 3 })),
    padding: fc.constantFrom('same', 'valid', 'causal', 'x'),
    pool_size: fc.oneof(num, fc.array(num, { maxLength: 3 })),
    batch_input_shape: fc.array(fc.oneof(num, fc.constant(null)), { maxLength: 5 }),
    target_shape: fc.array(num, { maxLength: 4 }),
    dims: fc.array(num, { maxLength: 4 }),
    axis: num,
    axes: fc.oneof(num, fc.array(num, { maxLength: 2 })),
    height: num,
    width: num,
    padding_: fc.anything({ maxDepth: 1 }),
    layer: fc.record({ class_name: fc.constantFrom(...CLASSES), config: fc.record({ units: num }) }),
    layers: fc.constant([]),
    return_sequences: fc.boolean(),
  },
  { requiredKeys: [] },
);
const ref = fc.tuple(fc.constantFrom('a', 'b', 'c', 'in', 'zz'), fc.oneof(fc.nat(2), fc.constant(-1)), fc.nat(2));
const layer = fc.record({ name: fc.constantFrom('a', 'b', 'c', 'in', 'd'), class_name: fc.constantFrom(...CLASSES), config, inbound_nodes: fc.array(fc.array(ref, { maxLength: 3 }), { maxLength: 2 }) });
const topology = fc.oneof(
  fc.record({ class_name: fc.constant('Sequential'), config: fc.record({ layers: fc.array(layer, { maxLength: 8 }) }) }),
  fc.record({
    class_name: fc.constantFrom('Functional', 'Model'),
    config: fc.record({ layers: fc.array(layer, { maxLength: 8 }), input_layers: fc.array(ref, { maxLength: 2 }), output_layers: fc.array(ref, { maxLength: 2 }) }),
  }),
  fc.anything({ maxDepth: 3 }),
);

describe('topology fuzzing: an estimate within the limits or a ModelFileError, bounded', () => {
  it('checkLayersTopology', () => {
    const stats = assertBounded(
      topology,
      (t) => {
        const est = checkLayersTopology('m.json', t, Number.MAX_SAFE_INTEGER);
        expect(est.params).toBeLessThanOrEqual(LIMITS.modelParams.value);
        expect(est.activationBytes).toBeLessThanOrEqual(LIMITS.modelActivationBytes.value);
      },
      ModelFileError,
      { numRuns: 800 },
    );
    expect(stats.accepted).toBeGreaterThan(20);
  });

  it('parseModelFiles then checkLayersTopology on random model.json documents and shards', () => {
    const spec = fc.record({ name: fc.string({ maxLength: 3 }), shape: fc.oneof(fc.array(fc.oneof(fc.nat(4), fc.constantFrom(1e6, 2 ** 40, -1, 0.5)), { maxLength: 3 }), fc.anything({ maxDepth: 1 })), dtype: fc.constantFrom('float32', 'int32', 'bool', 'string', 'float16'), quantization: fc.option(fc.record({ dtype: fc.constantFrom('uint8', 'uint16', 'float16', 'x') }), { nil: undefined }) }, { requiredKeys: ['name', 'shape', 'dtype'] });
    const doc = fc.record(
      {
        format: fc.constantFrom('layers-model', 'graph-model', 'x'),
        modelTopology: fc.oneof(topology, fc.record({ node: fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }) })),
        weightsManifest: fc.oneof(fc.array(fc.record({ paths: fc.array(fc.constantFrom('w.bin', 'x.bin', '../w.bin'), { maxLength: 2 }), weights: fc.array(spec, { maxLength: 3 }) }), { maxLength: 2 }), fc.anything({ maxDepth: 1 })),
      },
      { requiredKeys: [] },
    );
    const files = fc.tuple(fc.oneof(doc.map((d) => JSON.stringify(d)), fc.string({ maxLength: 50 })), fc.uint8Array({ maxLength: 64 })).map(([text, w]): ModelFile[] => [
      { name: 'm/model.json', data: new TextEncoder().encode(text).slice().buffer },
      ...(w.length ? [{ name: 'm/w.bin', data: w.slice().buffer }] : []),
    ]);
    // Valid two-Dense models (weights of the right size), sometimes with a shard cut or a unit changed.
    const valid = fc
      .record({ a: fc.integer({ min: 1, max: 6 }), b: fc.integer({ min: 1, max: 6 }), cut: fc.option(fc.nat(40), { nil: null, freq: 1 }), units: fc.option(fc.constantFrom(0, 7, 20_000, -1), { nil: null, freq: 1 }) })
      .map(({ a, b, cut, units }): ModelFile[] => {
        const layers = [
          { class_name: 'Dense', config: { name: 'd0', units: b, batch_input_shape: [null, a] } },
          { class_name: 'Dense', config: { name: 'd1', units: units ?? 2 } },
        ];
        const weights = [
          { name: 'd0/kernel', shape: [a, b], dtype: 'float32' },
          { name: 'd0/bias', shape: [b], dtype: 'float32' },
          { name: 'd1/kernel', shape: [b, 2], dtype: 'float32' },
          { name: 'd1/bias', shape: [2], dtype: 'float32' },
        ];
        const bytes = new Uint8Array(4 * (a * b + b + 2 * b + 2));
        return filesOf({ format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { layers } }, weightsManifest: [{ paths: ['w.bin'], weights }] }, cut === null ? bytes : bytes.subarray(0, cut));
      });
    // The whole pure pipeline: files → parsed model → topology sized against its manifest.
    const pipeline = (f: ModelFile[]) => {
      const parsed = parseModelFiles(f, DEVICE);
      if (parsed.format === 'layers-model') checkLayersTopology(parsed.modelFile, parsed.artifacts.modelTopology, manifestValues(parsed));
    };
    const stats = assertBounded(fc.oneof(files, valid), pipeline, ModelFileError, { numRuns: 500 });
    expect(stats.refused).toBeGreaterThan(100);
    expect(stats.accepted).toBeGreaterThan(30);
  });
});
