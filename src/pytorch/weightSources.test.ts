// The way back from PyTorch layouts to TF.js (weightSources, read off the generator itself): for
// every weight of the zoo models (every layer class with weights) and the demo students, the
// state-dict entry it names, reshaped and permuted as it says, is the TF.js weight exactly.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildStudent } from '../models/nets';
import { layerGraph } from './graph';
import { permuteAxes, torchToTf } from './layout';
import { generateModule, weightSources } from './moduleSource';
import { convZoo, denseZoo, randomizeWeights } from './zoo.testkit';

await tf.setBackend('cpu');

function roundTrip(model: tf.LayersModel): { weights: number; layouts: Set<string> } {
  const graph = layerGraph(model);
  const state = generateModule(graph).state;
  const sources = weightSources(graph);
  const layouts = new Set<string>();
  let weights = 0;
  for (const layer of graph.layers) {
    for (const [name, w] of Object.entries(layer.weights)) {
      const s = sources.get(`${layer.name}/${name}`);
      expect(s, `${layer.name}/${name}`).toBeDefined();
      const t = state[s!.key];
      expect(t.dtype).toBe('F32');
      const back = permuteAxes(t.data as Float32Array, s!.view, s!.perm);
      expect(back.shape).toEqual([...w.shape]);
      expect(back.data).toEqual(w.data);
      layouts.add(`${layer.className}/${name}:${s!.perm.join('')}`);
      weights++;
    }
  }
  return { weights, layouts };
}

describe('weightSources: PyTorch state back to TF.js weights', () => {
  it('a depthwise kernel [kh,kw,C,M] comes back from [C·M,1,kh,kw] through the view [C,M,kh,kw]', () => {
    // Tagged by element number as weightSources tags it: kh 2, kw 3, C 2, M 2 (no axis of 1: one answer).
    const tf4 = Float32Array.from({ length: 24 }, (_, i) => i);
    const torch = permuteAxes(tf4, [2, 3, 2, 2], [2, 3, 0, 1]).data;
    expect(torchToTf(torch, [2, 3, 2, 2])).toEqual({ view: [2, 2, 2, 3], perm: [2, 3, 0, 1] });
    expect(torchToTf(Float32Array.from([1, 0, 2]), [3])).toBeNull();
  });

  it('every weight of the zoo models and the demo students, exactly', () => {
    const models = [convZoo(), denseZoo(), buildStudent('segmentation'), buildStudent('detection')];
    models.forEach((m, i) => randomizeWeights(m, 11 + i));
    const layouts = new Set<string>();
    let weights = 0;
    for (const m of models) {
      const r = roundTrip(m);
      weights += r.weights;
      r.layouts.forEach((l) => layouts.add(l));
    }
    console.log(JSON.stringify({ weights, layouts: [...layouts].sort() }));
    // OIHW → HWIO, [C·M,1,kh,kw] → [kh,kw,C,M], [in,out,kh,kw] → [kh,kw,out,in], [out,in] → [in,out].
    for (const l of ['Conv2D/kernel:2310', 'DepthwiseConv2D/depthwise_kernel:2301', 'SeparableConv2D/depthwise_kernel:2301', 'Conv2DTranspose/kernel:2310', 'Dense/kernel:10', 'BatchNormalization/moving_variance:0']) {
      expect(layouts, l).toContain(l);
    }
    models.forEach((m) => m.dispose());
  });
});
