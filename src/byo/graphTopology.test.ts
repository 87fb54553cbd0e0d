// Graph models: the declared input shape and node count are checked before tfjs loads the graph
// and before the loader's probe (a zero tensor of the input shape); fuzzing of the check.
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBounded } from '../fuzz.testkit';
import { fixture, LIMITS as DEVICE } from './fixtures.testkit';
import { loadGraphFromParsed } from './graphTeacher';
import { checkGraphTopology, checkProbeShape } from './graphTopology';
import { ModelFileError, parseModelFiles, type ModelFile } from './modelFiles';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The graph fixture with its Placeholder's shape replaced. */
async function graphWithInput(shape: number[]): Promise<ModelFile[]> {
  const files = await fixture('teacher-graph');
  return files.map((f) => {
    if (!f.name.endsWith('model.json')) return f;
    const doc = JSON.parse(new TextDecoder().decode(f.data));
    doc.modelTopology.node[0].attr.shape.shape.dim = shape.map((d) => ({ size: String(d) }));
    return { ...f, data: new TextEncoder().encode(JSON.stringify(doc)).slice().buffer };
  });
}

describe('graph input shapes are checked before any probe tensor', () => {
  it('an input of [N, 100000, 100000, 3] is refused before tfjs loads the graph (the probe would be 120 GB of float32)', async () => {
    const parsed = parseModelFiles(await graphWithInput([-1, 100_000, 100_000, 3]), DEVICE);
    const before = tf.memory();
    await expect(loadGraphFromParsed(parsed)).rejects.toThrow(
      /^teacher-graph\/model\.json: takes 100000×100000 images \(input "image" \[N,100000,100000,3\]\), over the 512 pixels limit on input height or width a model declares .* Nothing was run/,
    );
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });

  it('100 000 channels or a rank-2 input are refused too; open sides pass (probed at 64)', async () => {
    await expect(loadGraphFromParsed(parseModelFiles(await graphWithInput([-1, 64, 64, 100_000]), DEVICE))).rejects.toThrow(/takes 100 000-channel images/);
    await expect(loadGraphFromParsed(parseModelFiles(await graphWithInput([-1, 100_000]), DEVICE))).rejects.toThrow(/has an input "image" of shape \[N,100000\], not an image batch \[N,H,W,C\]/);
    const open = await loadGraphFromParsed(parseModelFiles(await graphWithInput([-1, -1, -1, 3]), DEVICE));
    expect(open.inputShape).toEqual([null, null, null, 3]);
    open.model.dispose();
    expect(() => checkProbeShape('m.json', 'x', [1, 512, 512, 3])).not.toThrow();
    expect(() => checkProbeShape('m.json', 'x', [1, 513, 512, 3])).toThrow(/takes 513×512 images/);
  });

  it('more nodes than the limit', () => {
    const node = Array.from({ length: 4097 }, (_, i) => ({ name: `n${i}`, op: 'Identity' }));
    expect(() => checkGraphTopology('g.json', { node })).toThrow(/has 4 097 graph nodes, over the 4 096 layers or nodes limit/);
  });

  it('fuzz: any topology passes or gives a ModelFileError, bounded', () => {
    const dim = fc.record({ size: fc.oneof(fc.integer({ min: -2, max: 600 }), fc.constantFrom('1e9', '-1', 'x', 100_000)) }, { requiredKeys: [] });
    const placeholder = fc.record({
      name: fc.string({ maxLength: 4 }),
      op: fc.constantFrom('Placeholder', 'Const', 'Relu'),
      attr: fc.oneof(fc.record({ shape: fc.record({ shape: fc.record({ dim: fc.array(dim, { maxLength: 5 }), unknownRank: fc.boolean() }, { requiredKeys: [] }) }) }), fc.anything({ maxDepth: 2 })),
    });
    const topo = fc.oneof(fc.record({ node: fc.array(fc.oneof(placeholder, fc.anything({ maxDepth: 1 })), { maxLength: 6 }) }), fc.anything({ maxDepth: 2 }));
    const stats = assertBounded(topo, (t) => checkGraphTopology('g.json', t), ModelFileError, { numRuns: 500 });
    expect(stats.accepted).toBeGreaterThan(20);
    expect(stats.refused).toBeGreaterThan(20);
  });
});
