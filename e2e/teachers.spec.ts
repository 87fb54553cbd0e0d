import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';

interface TeacherMeta {
  task: 'segmentation' | 'detection';
  steps: number;
  step: number;
  batchSize: number;
  lr: number;
  seed: number;
  metric: number;
  metricName: string;
  valSeed: number;
  valCount: number;
  /** A small validation subset scored in Node at the end of the run (scripts/train-teachers.ts). */
  browserCheck?: { seed: number; count: number; metric: number };
}

const modelsDir = fileURLToPath(new URL('../public/models/', import.meta.url));
const readMeta = (task: string): TeacherMeta =>
  JSON.parse(readFileSync(`${modelsDir}${task}-teacher/meta.json`, 'utf8')) as TeacherMeta;

for (const task of ['segmentation', 'detection'] as const) {
  test(`the shipped ${task} teacher reproduces its recorded metric on webgpu and trains without leaks`, async ({ page }) => {
    const meta = readMeta(task);
    // The recorded validation scenes, cut to the browser check's first few (software WebGPU is slow).
    const check = meta.browserCheck ?? { seed: meta.valSeed, count: meta.valCount, metric: meta.metric };
    await page.goto('/?backend=webgpu');
    const result = await page.evaluate(async (m) => {
      const base = new URL('models/', window.location.href).href;
      const modelJson = await (await fetch(`${base}${m.task}-teacher/model.json`)).json();
      const weights = await (await fetch(`${base}${m.task}-teacher/weights.bin`)).arrayBuffer();
      const initial = { modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: weights };
      const engine = window.maskd.engine();
      const status = await engine.init(window.maskd.dataUrl, ['webgpu']);
      const common = { task: m.task, batchSize: 2, lr: m.lr, seed: m.seed, valSeed: m.check.seed, valCount: m.check.count };
      // No step: only the validation pass over the recorded validation scenes.
      const evaluated = await engine.trainTeacher({ ...common, steps: m.step, startStep: m.step, evalEvery: 1, initial });
      // Two training steps from the shipped weights; tensors counted after each.
      const counts: number[] = [];
      await engine.trainTeacher(
        { ...common, steps: m.step + 2, startStep: m.step, evalEvery: 1000, valCount: 2, initial: { ...initial, weightData: weights.slice(0) } },
        { onProgress: (p) => counts.push(p.numTensors) },
      );
      return { backend: status.backend, metric: evaluated.metric, counts };
    }, { ...meta, check });
    expect(result.backend).toBe('webgpu');
    expect(Math.abs(result.metric - check.metric)).toBeLessThanOrEqual(0.02);
    expect(result.counts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(result.counts).size).toBe(1);
  });
}
