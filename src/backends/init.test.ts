import { describe, expect, it } from 'vitest';
import { backendLabel, initBackend, selfCheck } from './init';

describe('backend selection', () => {
  it('falls back past webgpu in Node and says why', async () => {
    const status = await initBackend(['webgpu', 'cpu']);
    expect(status.backend).toBe('cpu');
    expect(status.fallbackReason).toMatch(/WebGPU unavailable/);
    expect(backendLabel(status)).toBe('CPU');
  });

  it('reports no fallback when the first choice works', async () => {
    const status = await initBackend(['cpu']);
    expect(status).toEqual({ backend: 'cpu', adapter: null, wasm: null, fallbackReason: null });
  });

  it('starts wasm with the training kernels and says how it runs (Node: SIMD, no threads)', async () => {
    const status = await initBackend(['wasm']);
    expect(status).toEqual({ backend: 'wasm', adapter: null, wasm: { simd: true, multithread: false, threads: 1 }, fallbackReason: null });
    expect(backendLabel(status)).toBe('WASM · SIMD · 1 thread');
    expect(backendLabel({ ...status, wasm: { simd: true, multithread: true, threads: 4 } })).toBe('WASM · SIMD · 4 threads');
    await expect(selfCheck()).resolves.toEqual({ ok: true, values: [19, 22, 43, 50] });
  });

  it('labels a WebGPU adapter by architecture, then vendor', () => {
    const adapter = { vendor: 'google', architecture: 'swiftshader', description: '' };
    expect(backendLabel({ backend: 'webgpu', adapter, fallbackReason: null })).toBe('WebGPU · swiftshader');
    expect(backendLabel({ backend: 'webgpu', adapter: { ...adapter, architecture: '' }, fallbackReason: null }))
      .toBe('WebGPU · google');
  });

  it('throws when no backend starts', async () => {
    await expect(initBackend(['webgpu'])).rejects.toThrow(/No TensorFlow.js backend could start/);
  });

  it('self-check computes the known product', async () => {
    await initBackend(['cpu']);
    await expect(selfCheck()).resolves.toEqual({ ok: true, values: [19, 22, 43, 50] });
  });
});
