import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, LIMITS } from './fixtures.testkit';
import { loadGraphFromParsed, splitGraph } from './graphTeacher';
import { layersGraph, loadLayersFromParsed } from './loadLayers';
import { ModelFileError, parseModelFiles } from './modelFiles';
import { cutProblem, layerRows, outputProblem, planInput, suggestTap } from './topology';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function layers(name: string) {
  return loadLayersFromParsed(parseModelFiles(await fixture(name), LIMITS));
}

async function loadError(name: string): Promise<ModelFileError> {
  const parsed = parseModelFiles(await fixture(name), LIMITS);
  try {
    if (parsed.format === 'graph-model') (await loadGraphFromParsed(parsed)).model.dispose();
    else (await loadLayersFromParsed(parsed)).dispose();
  } catch (err) {
    if (err instanceof ModelFileError) return err;
    throw err;
  }
  throw new Error(`${name} loaded`);
}

describe('layers models', () => {
  it('lists layers with shapes and strides and suggests the deepest feature at the largest stride ≤ 8', async () => {
    const model = await layers('teacher-valid');
    const graph = layersGraph(model);
    const rows = layerRows(graph);
    const row = (n: string) => rows.find((r) => r.name === n)!;
    expect(row('feat')).toMatchObject({ shape: [null, 16, 16, 32], stride: 4, notTap: null });
    expect(row('stem')).toMatchObject({ stride: 2, notTap: null });
    expect(row('flat').notTap).toMatch(/3-D \[N,256,32\], not a 4-D feature/);
    expect(row('up').notTap).toMatch(/model output/);
    // logits (11 channels, as wide as the output) is skipped; feat is deeper than b1/unflat.
    expect(suggestTap(graph, 11).suggestion).toMatchObject({ tap: 'feat', stride: 4 });
    expect(planInput(model.inputs[0].shape)).toEqual({ size: 64 });
    expect(outputProblem('segmentation', 64, [model.outputs[0].shape])).toBeNull();
    expect(outputProblem('detection', 64, [model.outputs[0].shape])).toMatch(/\[N,64,64,11\] does not match the detection demo's labels: they need \[N,16,16,14\]/);
    model.dispose();
  });

  it('student tap at stride 8', async () => {
    const model = await layers('student-valid');
    expect(suggestTap(layersGraph(model), 11).suggestion).toMatchObject({ tap: 'feat', stride: 8 });
    model.dispose();
  });

  it('a head that reads around every cut: no tap, and the reason names the skip', async () => {
    const model = await layers('broken-head-skip');
    const { suggestion, firstProblem } = suggestTap(layersGraph(model), 11);
    expect(suggestion).toBeNull();
    expect(firstProblem).toMatch(/layer "feat": the head reads "skip_conv" through layer "refine"/);
    expect(cutProblem(layersGraph(model), 'feat')).toMatch(/skip connection/);
    model.dispose();
  });

  it('input and output checks', async () => {
    const gray = await layers('broken-gray-input');
    expect(planInput(gray.inputs[0].shape)).toEqual({ problem: expect.stringMatching(/takes 1-channel images and the demo scenes are RGB/) });
    gray.dispose();
    const ten = await layers('broken-wrong-classes');
    expect(outputProblem('segmentation', 64, [ten.outputs[0].shape])).toMatch(/\[N,64,64,10\] does not match the segmentation demo's labels: they need \[N,64,64,11\]/);
    ten.dispose();
    const small = await layers('teacher-32');
    expect(planInput(small.inputs[0].shape)).toEqual({ size: 32 });
    small.dispose();
    // A dataset with its own class count (detection: heatmaps + size + offset).
    expect(outputProblem('segmentation', 64, [[null, 64, 64, 5]], 5)).toBeNull();
    expect(outputProblem('detection', 64, [[null, 16, 16, 7]], 3)).toBeNull();
    expect(outputProblem('detection', 64, [[null, 16, 16, 14]], 3)).toMatch(/need \[N,16,16,7\] \(7 CenterNet channels \(3 heatmaps/);
    expect(planInput([null, 30, 30, 3])).toEqual({ problem: expect.stringMatching(/not a multiple of 4/) });
    expect(planInput([null, 64, 48, 3])).toEqual({ problem: expect.stringMatching(/square/) });
  });

  it('names an unknown layer class', async () => {
    expect((await loadError('broken-unsupported-layer')).problem).toMatch(/does not know: "feat" \(MultiHeadSelfAttention\)/);
  });
});

describe('graph-model teacher', () => {
  it('probes shapes, suggests the tap, and names an unknown op', async () => {
    const loaded = await loadGraphFromParsed(parseModelFiles(await fixture('teacher-graph'), LIMITS));
    const rows = layerRows(loaded.graph);
    expect(rows.find((r) => r.name === 'feat/Relu')).toMatchObject({ shape: [null, 16, 16, 24], stride: 4, notTap: null });
    expect(suggestTap(loaded.graph, 11).suggestion?.tap).toBe('feat/Relu');
    expect(loaded.params).toBe(3 * 3 * 3 * 16 + 16 + 3 * 3 * 16 * 24 + 24 + 24 * 11 + 11);
    expect(loaded.flops).toBe(2 * (32 * 32 * 16 * 27 + 16 * 16 * 24 * 144 + 16 * 16 * 11 * 24));
    loaded.model.dispose();
    expect((await loadError('broken-unsupported-op')).problem).toMatch(/uses op "FancyRelu" \(node "feat\/Relu"\)/);
  });

  it('feeding the tap node runs the head, equal to the full graph, with gradients to the fed feature', async () => {
    const loaded = await loadGraphFromParsed(parseModelFiles(await fixture('teacher-graph'), LIMITS));
    const { split, full } = splitGraph(loaded, 'feat/Relu', [64, 64, 3]);
    expect(split.tapShape).toEqual([16, 16, 24]);
    const images = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 5);
    const before = tf.memory().numTensors;
    const [viaSplit, direct] = tf.tidy(() => {
      const f = split.backbone.apply(images, { training: false }) as tf.Tensor;
      return [split.head.apply(f, { training: false }) as tf.Tensor, full.apply(images) as tf.Tensor];
    });
    expect(viaSplit.shape).toEqual([2, 64, 64, 11]);
    const [a, b] = await Promise.all([viaSplit.data(), direct.data()]);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    expect(maxDiff).toBeLessThan(1e-5);
    // d(sum(head(0.5·F)²))/dF: non-zero, i.e. the tape sees the graph's ops.
    const feature = split.backbone.apply(images) as tf.Tensor;
    const g = tf.grad((f: tf.Tensor) => tf.sum(tf.square(split.head.apply(tf.mul(f, 0.5)) as tf.Tensor)))(feature);
    const gabs = tf.tidy(() => tf.sum(tf.abs(g)));
    const gsum = (await gabs.data())[0];
    expect(gsum).toBeGreaterThan(0);
    tf.dispose([viaSplit, direct, feature, g, gabs]);
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
    loaded.model.dispose();
  });
});
