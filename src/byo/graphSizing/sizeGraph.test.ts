import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertBounded, cpuTimed } from '../../fuzz.testkit';
import { LIMITS } from '../../limits';
import { fixture, LIMITS as DEVICE } from '../fixtures.testkit';
import { chainGraph, fillGraph, hugeNodeGraph, manyLiveGraph, unknownOpGraph } from '../hostileModels.testkit';
import { ModelFileError, parseModelFiles } from '../modelFiles';
import type { ModelFileData } from '../files';
import { Attrs } from './attrs';
import { ConstValues } from './constValues';
import { GraphSizingError, SIZED_GRAPH_OPS, sizeGraph, type GraphNodeJson } from './sizeGraph';
import { sizeGraphModel } from './sizeGraphModel';

/** Sizes dropped graph files for the probe input [1,64,64,3] (or `shape`). */
function size(files: ModelFileData[], shape = [1, 64, 64, 3]) {
  return sizeGraphModel(parseModelFiles(files, DEVICE), 'image', shape, 'float32', []);
}

function refusal(files: ModelFileData[], shape?: number[]): { error: ModelFileError; cpuMs: number } {
  const { value, cpuMs } = cpuTimed(() => {
    try {
      size(files, shape);
    } catch (err) {
      return err;
    }
    return null;
  });
  expect(value).toBeInstanceOf(ModelFileError);
  const error = value as ModelFileError;
  expect(error.message.length).toBeLessThan(300);
  return { error, cpuMs };
}

describe('static sizing of graph nodes', () => {
  it('gives the fixture teacher its shapes without running it', async () => {
    const s = size(await fixture('teacher-graph'));
    expect(s.outputs.get('feat/Relu')?.[0].shape).toEqual([1, 16, 16, 24]);
    expect(s.outputs.get('Identity')?.[0].shape).toEqual([1, 64, 64, 11]);
    expect(s.largest).toEqual({ node: 'up/ResizeBilinear', bytes: 64 * 64 * 11 * 4 });
  });

  it('refuses one node over the activation limit, before anything runs (a [1,8192,8192,3] resize, and one of 2^32 bytes and more)', () => {
    for (const side of [8192, 32768, 2 ** 20]) {
      const { error, cpuMs } = refusal(hugeNodeGraph(side));
      expect(error.message).toMatch(new RegExp(`huge-node/model\\.json: cannot be sized before it runs: node "up" \\(ResizeBilinear\\) would make a \\[1,${side},${side},3\\] tensor of .* over the 256 MiB limit on activations; nothing was run`));
      expect(cpuMs).toBeLessThan(500);
    }
  });

  it('refuses a Fill of any constant shape over the limit (property: every shape is sized or refused, never run)', () => {
    const shapes = fc.array(fc.integer({ min: 1, max: 1 << 16 }), { minLength: 1, maxLength: 5 });
    const stats = assertBounded(
      shapes,
      (shape) => {
        const s = size(fillGraph(shape));
        // Accepted only when its Fill fits the limit.
        expect(s.largest.bytes).toBeLessThanOrEqual(LIMITS.modelActivationBytes.value);
      },
      ModelFileError,
      { numRuns: 60 },
    );
    expect(stats.refused).toBeGreaterThan(0);
    expect(stats.accepted).toBeGreaterThan(0);
  });

  it('refuses the tensors alive at once when together over the limit, each small', () => {
    const { error } = refusal(manyLiveGraph(50, 512));
    expect(error.message).toMatch(/many-live\/model\.json: cannot be sized before it runs: needs [\d.]+ MB of tensors alive at once for one image \(at node "cat"\), over the 256 MiB limit/);
    // 20 of them fit.
    expect(size(manyLiveGraph(20, 512)).peakBytes).toBe(2 * 20 * 512 * 512 * 3 * 4);
  });

  it('refuses an unknown op by name', () => {
    const { error } = refusal(unknownOpGraph('FancyOp'));
    expect(error.message).toBe('unknown-op/model.json: uses op "FancyOp" (node "feat/op"), which the playground cannot size before running it: convert the model with common TensorFlow ops');
  });

  it('walks a chain as long as the node limit allows without the call stack', () => {
    const { value, cpuMs } = cpuTimed(() => size(chainGraph(LIMITS.modelLayers.value - 2), [1, 8, 8, 3]));
    expect(value.outputs.size).toBe(LIMITS.modelLayers.value - 1);
    expect(cpuMs).toBeLessThan(1000);
  });
});

// ---- fuzz: random graphs of the sized ops with random attributes and inputs -------------------

const OPS = SIZED_GRAPH_OPS.filter((op) => op !== 'Placeholder');
const intList = fc.array(fc.oneof(fc.integer({ min: -3, max: 70 }), fc.constantFrom(2 ** 31, -1, 0)), { maxLength: 5 });
const attr = fc.record(
  {
    strides: fc.record({ list: fc.record({ i: fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }).map(String), fc.constant('x')), { maxLength: 5 }) }) }),
    ksize: fc.record({ list: fc.record({ i: intList.map((l) => l.map(String)) }) }),
    padding: fc.record({ s: fc.constantFrom('SAME', 'VALID', 'EXPLICIT', '%%').map((s) => (s === '%%' ? s : btoa(s))) }),
    data_format: fc.record({ s: fc.constantFrom(btoa('NHWC'), btoa('NCHW')) }),
    keep_dims: fc.record({ b: fc.boolean() }),
    axis: fc.record({ i: fc.integer({ min: -5, max: 5 }).map(String) }),
    num_split: fc.record({ i: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constant(1e9)).map(String) }),
    block_size: fc.record({ i: fc.integer({ min: 0, max: 4 }).map(String) }),
    begin_mask: fc.record({ i: fc.integer({ min: 0, max: 31 }).map(String) }),
    end_mask: fc.record({ i: fc.integer({ min: 0, max: 31 }).map(String) }),
    shrink_axis_mask: fc.record({ i: fc.integer({ min: 0, max: 31 }).map(String) }),
    new_axis_mask: fc.record({ i: fc.integer({ min: 0, max: 31 }).map(String) }),
    ellipsis_mask: fc.record({ i: fc.integer({ min: 0, max: 3 }).map(String) }),
    squeeze_dims: fc.record({ list: fc.record({ i: intList.map((l) => l.map(String)) }) }),
    DstT: fc.record({ type: fc.constantFrom('DT_INT32', 'DT_FLOAT', 'DT_BOOL') }),
  },
  { requiredKeys: [] },
);

/** Up to 12 nodes: constants (small int values, any shape) and ops reading earlier nodes (or a missing one). */
const graphArb = fc
  .array(
    fc.record({
      // Half of them element-wise (so that many graphs size), half any sized op.
      op: fc.oneof(fc.constantFrom('Relu', 'Sigmoid', 'Identity', 'AddV2', 'Mul', 'Const'), fc.constantFrom(...OPS)),
      inputs: fc.array(fc.tuple(fc.nat(12), fc.nat(2)), { maxLength: 4 }),
      attr,
      constShape: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }),
      constValues: intList,
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((specs) => {
    const weights: { name: string; shape: number[]; dtype: 'int32' }[] = [];
    const values: number[] = [];
    const nodes: GraphNodeJson[] = [{ name: 'image', op: 'Placeholder' }];
    specs.forEach((s, i) => {
      const name = `n${i}`;
      if (s.op === 'Const') {
        const n = s.constShape.reduce((a, d) => a * d, 1);
        weights.push({ name, shape: s.constShape, dtype: 'int32' });
        for (let k = 0; k < n; k++) values.push(s.constValues[k % Math.max(1, s.constValues.length)] ?? 1);
        nodes.push({ name, op: 'Const' });
      } else {
        // Mostly earlier nodes (j ≤ i); a later or missing one now and then.
        const input = s.inputs.map(([j, out]) => `${j === 0 ? 'image' : `n${j === 12 ? 99 : (j - 1) % (i + 1) === i ? i - 1 : (j - 1) % (i + 1)}`}${out ? `:${out}` : ''}`);
        nodes.push({ name, op: s.op, input, attr: s.attr });
      }
    });
    return { nodes, weights, data: Int32Array.from(values).buffer };
  });

it('sizes every random graph of the known ops or refuses it with a GraphSizingError (never another error)', () => {
  const stats = assertBounded(
    graphArb,
    ({ nodes, weights, data }) => sizeGraph(nodes, new ConstValues(weights, data), { name: 'image', shape: [1, 8, 8, 3], dtype: 'float32' }, []),
    GraphSizingError,
    { numRuns: 400 },
  );
  expect(stats.refused).toBeGreaterThan(0);
  expect(stats.accepted).toBeGreaterThan(0);
});

it('reads attributes defensively', () => {
  const a = new Attrs({ padding: { s: '%%%' }, strides: { list: { i: ['1', 'x'] } }, keep_dims: { b: 'yes' }, T: { type: 'DT_HALF' } });
  expect(a.string('padding', 'VALID')).toBe('VALID');
  expect(a.ints('strides')).toBeNull();
  expect(a.bool('keep_dims')).toBe(false);
  expect(a.dtype('T', 'x')).toBe('float32');
});
