// Properties over hostile .onnx bytes, each input under the house's CPU-time and memory bound
// (../fuzz.testkit.ts): every input either loads (decode, plan, weights built, one forward pass)
// or is refused with an OnnxError of under 300 characters; never a RangeError, a TypeError or a
// protobuf exception. Inputs: a real export with bytes set, cut and inserted; and small graphs
// of random ops, attributes, shapes and wiring written through the ONNX schema.
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { assertBounded, mutatedBytes } from '../fuzz.testkit';
import { OnnxError } from './errors';
import { loadOnnx } from './index';
import { OPS } from './convert/registry';
import { fixture, tinyModel, type TinyNode } from './testkit';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Loads, runs once on one small image, frees; an OnnxError is a refusal, anything else fails. */
function loadAndRun(bytes: Uint8Array): void {
  const model = loadOnnx(bytes, 'fuzz.onnx');
  try {
    const { channels, height, width } = model.plan.input;
    tf.tidy(() => {
      for (const t of model.run(tf.ones([1, height, width, channels]))) t.dataSync();
    });
  } finally {
    model.dispose();
  }
}

const checked = (bytes: Uint8Array) => {
  const before = tf.memory().numTensors;
  try {
    loadAndRun(bytes);
  } catch (err) {
    if (err instanceof OnnxError) expect(err.message.length).toBeLessThan(300);
    throw err;
  } finally {
    expect(tf.memory().numTensors).toBe(before);
  }
};

it('mutated bytes of a real export: loaded or refused with a short OnnxError', () => {
  const base = fixture('opzoo-op13.onnx');
  const stats = assertBounded(mutatedBytes(fc.constant(base)), checked, OnnxError, { numRuns: 300, maxMs: 1500, seed: 26 });
  expect(stats.refused).toBeGreaterThan(0);
});

const OP_NAMES = Object.keys(OPS);
const attrValue = fc.oneof(fc.integer({ min: -3, max: 5 }), fc.array(fc.integer({ min: -2, max: 4 }), { maxLength: 5 }), fc.constantFrom('nearest', 'linear', 'SAME_UPPER', 'VALID', 'constant', 'half_pixel'), fc.double({ min: -2, max: 2, noNaN: true }));
const ATTR_NAMES = ['axis', 'axes', 'kernel_shape', 'strides', 'pads', 'dilations', 'group', 'perm', 'mode', 'auto_pad', 'alpha', 'beta', 'keepdims', 'split', 'ceil_mode', 'epsilon', 'transB'];

/** A graph of 1–5 random ops over the image input, earlier outputs and a few initialisers. */
const randomGraph = fc.record({
  side: fc.integer({ min: 1, max: 9 }),
  channels: fc.integer({ min: 1, max: 4 }),
  batch: fc.constantFrom<number | string>(1, 2, 'N'),
  nodes: fc.array(fc.record({
    op: fc.constantFrom(...OP_NAMES),
    inputs: fc.array(fc.nat({ max: 8 }), { minLength: 1, maxLength: 3 }),
    attrs: fc.dictionary(fc.constantFrom(...ATTR_NAMES), attrValue, { maxKeys: 3 }),
  }), { minLength: 1, maxLength: 5 }),
  inits: fc.array(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }), { minLength: 3, maxLength: 3 }),
});

it('random small graphs of the supported ops: converted and run, or refused with a short OnnxError', () => {
  const stats = assertBounded(randomGraph, (g) => {
    const inits = Object.fromEntries(g.inits.map((dims, i) => [`c${i}`, { dims, values: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, k) => (k % 5) - 1.5) }]));
    const values = ['x', 'c0', 'c1', 'c2'];
    const nodes: TinyNode[] = g.nodes.map((n, i) => {
      const node = { op: n.op, inputs: n.inputs.map((k) => values[k % values.length]), outputs: [`v${i}`], attrs: n.attrs };
      values.push(`v${i}`);
      return node;
    });
    checked(tinyModel({ input: [g.batch, g.channels, g.side, g.side], nodes, outputs: [`v${nodes.length - 1}`], inits }));
  }, OnnxError, { numRuns: 400, maxMs: 1500, seed: 27 });
  expect(stats.accepted).toBeGreaterThan(0);
  expect(stats.refused).toBeGreaterThan(0);
});
