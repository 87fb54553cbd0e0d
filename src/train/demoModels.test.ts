import { beforeAll, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import type { EngineWarning } from '../engine/warnings';
import { loadTeacher } from './demoModels';

beforeAll(async () => {
  await useWasmBackend();
});

it('without its shipped teacher the demo gets the same fresh teacher on every load', async () => {
  const load = async () => {
    const warnings: EngineWarning[] = [];
    const t = await loadTeacher('http://127.0.0.1:1/', 'segmentation', [16, 16, 3], warnings);
    expect(t.shipped).toBe(false);
    expect(warnings[0]).toMatchObject({ kind: 'untrained-teacher', text: expect.stringMatching(/fresh, untrained teacher/) });
    const values = await Promise.all(t.model.getWeights().map((w) => w.data()));
    t.model.dispose();
    return values.map((v) => Array.from(v));
  };
  const first = await load();
  expect(await load()).toEqual(first);
  // The kernels are drawn (glorot), not left at a constant.
  expect(new Set(first[0]).size).toBeGreaterThan(10);
});
