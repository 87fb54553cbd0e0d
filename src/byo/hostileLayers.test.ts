import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { cpuTimedAsync } from '../fuzz.testkit';
import { LIMITS } from './fixtures.testkit';
import { deepSequential, denseOnlySequential, nestedCalls } from './hostileModels.testkit';
import { layersGraph, layersOutputs, loadLayersFromParsed } from './loadLayers';
import { ModelFileError, parseModelFiles } from './modelFiles';
import type { ModelFileData } from './files';
import { planInput } from './topology';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Loads the layers model, or returns its refusal (any other error fails the test), with the CPU ms taken. */
async function load(files: ModelFileData[]): Promise<{ error: ModelFileError | null; cpuMs: number }> {
  const { value, cpuMs } = await cpuTimedAsync(async () => {
    try {
      const model = await loadLayersFromParsed(parseModelFiles(files, LIMITS));
      model.dispose();
      return null;
    } catch (err) {
      return err;
    }
  });
  if (value !== null && !(value instanceof ModelFileError)) throw value;
  if (value) expect(value.message.length).toBeLessThan(300);
  return { error: value, cpuMs };
}

it('a Sequential nested at any depth is listed without the call stack and refused by the depth limit (property over depth)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.integer({ min: 18, max: 200 }), fc.constantFrom(1000, 100_000)), async (depth) => {
      const { error, cpuMs } = await load(deepSequential(depth));
      expect(error?.message).toMatch(/deep\/model\.json: cannot be sized before it is built: layer "s" \(Sequential\): models are nested more than 16 deep/);
      expect(cpuMs).toBeLessThan(2000);
    }),
    { numRuns: 12 },
  );
});

it('a nested model called N times at each of L levels is sized once per level (property over N, L)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 256 }), fc.integer({ min: 1, max: 8 }), async (calls, levels) => {
      const { error, cpuMs } = await load(nestedCalls(calls, Math.min(levels, Math.max(1, Math.floor(Math.log(4000) / Math.log(Math.max(2, calls)))))));
      // Built or refused (tfjs's own build of so many calls may be refused on the layer or call limits), quickly.
      if (error) expect(error.message).toMatch(/nested\/model\.json: /);
      expect(cpuMs).toBeLessThan(4000);
    }),
    { numRuns: 10 },
  );
});

it('calls whose every shape is new are bounded by the sizing-steps limit, not N^L', async () => {
  const { error, cpuMs } = await load(nestedCalls(16, 5, true));
  expect(error?.message).toMatch(/nested\/model\.json: cannot be sized before it is built: .*sizing it visits more than the 65 536 layer calls limit on layer calls one size estimate/);
  expect(cpuMs).toBeLessThan(2000);
});

it('a Dense-only Sequential loads, lists its layers, and is refused as a teacher by its input, not a TypeError', async () => {
  const model = await loadLayersFromParsed(parseModelFiles(denseOnlySequential(), LIMITS));
  const graph = layersGraph(model);
  expect(graph.inputs).toHaveLength(1);
  expect(graph.outputs).toEqual(['d2']);
  expect(layersOutputs(model)).toMatchObject([{ name: 'd2' }]);
  const input = graph.nodes.find((n) => n.name === graph.inputs[0]);
  expect(planInput(input?.shape ?? null)).toEqual({ problem: 'its input is [N,8], not an image batch [N,H,W,C]' });
  model.dispose();
});
