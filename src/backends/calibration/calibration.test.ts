import { describe, expect, it } from 'vitest';
import type { BackendName } from '../types';
import { calibrate } from './calibrate';
import { calibrationReason, formatStepTime, pickerLabel, timingText } from './describe';
import { byMeasuredSpeed, fastestBackend, measureBackends } from './measure';
import { deviceKey, isCalibration, type CalibrationMemory } from './store';
import type { BackendTiming, Calibration } from './types';

/** A clock the fake runners move forward by the time they "take". */
function fakeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const timing = (backend: BackendName, msPerStep: number | null, extra: Partial<BackendTiming> = {}): BackendTiming => ({ backend, msPerStep, detail: '', ...extra });

describe('measureBackends', () => {
  it('gives each backend an equal share of what is left of the budget, in order', async () => {
    const clock = fakeClock();
    const shares: [BackendName, number][] = [];
    // wasm answers in 1.5 s; webgpu uses its whole share; webgl answers in 3 s.
    const took: Record<string, number | null> = { wasm: 1500, webgpu: null, webgl: 3000 };
    const timings = await measureBackends(
      ['wasm', 'webgpu', 'webgl'],
      async (backend, limitMs) => {
        shares.push([backend, limitMs]);
        const t = took[backend];
        clock.advance(t ?? limitMs);
        return t === null ? timing(backend, null, { limitMs }) : timing(backend, t / 10);
      },
      { budgetMs: 10_000, minShareMs: 2_000, now: clock.now },
    );
    expect(shares).toEqual([['wasm', 3333], ['webgpu', 4250], ['webgl', 4250]]);
    expect(timings.map((t) => t.msPerStep)).toEqual([150, null, 300]);
    expect(clock.now()).toBe(1500 + 4250 + 3000);
  });

  it('never gives less than the minimum share, and turns a throwing runner into a failed timing', async () => {
    const clock = fakeClock();
    const shares: number[] = [];
    const heard: (BackendName | null)[] = [];
    const timings = await measureBackends(
      ['wasm', 'webgl'],
      async (backend, limitMs) => {
        shares.push(limitMs);
        clock.advance(9_500);
        if (backend === 'webgl') throw new Error('no WebGL2 context');
        return timing(backend, 90);
      },
      { budgetMs: 10_000, minShareMs: 2_000, now: clock.now, onTiming: (_, next) => heard.push(next) },
    );
    expect(shares).toEqual([5_000, 2_000]);
    expect(timings[1]).toEqual({ backend: 'webgl', msPerStep: null, error: 'no WebGL2 context', detail: '' });
    expect(heard).toEqual(['webgl', null]);
  });
});

describe('choosing', () => {
  const timings = [timing('wasm', 96), timing('webgpu', null, { limitMs: 4000 }), timing('webgl', 3800)];

  it('picks the fewest ms per step and orders the fallbacks by speed, unmeasured last', () => {
    expect(fastestBackend(timings)).toBe('wasm');
    expect(byMeasuredSpeed(timings)).toEqual(['wasm', 'webgl', 'webgpu']);
    expect(fastestBackend([timing('webgpu', null, { limitMs: 1 })])).toBeNull();
  });
});

describe('in words', () => {
  it('formats step times for people', () => {
    expect(formatStepTime(83.4)).toBe('83 ms');
    expect(formatStepTime(3812)).toBe('3.8 s');
    expect(formatStepTime(11_640)).toBe('12 s');
    expect(timingText(timing('webgpu', null, { limitMs: 4250 }))).toBe('no step within 4.3 s');
    expect(timingText(timing('webgl', null, { error: 'no context' }))).toBe('failed: no context');
  });

  it('says why the fastest backend was chosen, and gives the picker its figures', () => {
    const c: Calibration = {
      deviceKey: 'k', task: 'segmentation', batchSize: 8, fastest: 'wasm', measuredAt: '2026-11-30T05:00:00Z', wallMs: 8000, remembered: false,
      timings: [timing('wasm', 96, { detail: 'SIMD · 1 thread' }), timing('webgpu', null, { limitMs: 4250, detail: 'swiftshader' }), timing('webgl', 3800)],
    };
    expect(calibrationReason(c)).toBe('fastest here (WASM 96 ms/step, WebGPU/swiftshader no step within 4.3 s, WebGL 3.8 s/step)');
    expect(calibrationReason({ ...c, remembered: true })).toMatch(/, measured 2026-11-30$/);
    expect(pickerLabel('webgl', c)).toBe('WebGL — 3.8 s/step');
    expect(pickerLabel('cpu', c)).toBe('CPU (slow)');
    expect(pickerLabel('webgpu', null)).toBe('WebGPU (fused MasKD kernels)');
  });
});

describe('calibrate', () => {
  function memory(): CalibrationMemory & { saved: Calibration[] } {
    const saved: Calibration[] = [];
    return { saved, load: async (key) => saved.find((c) => c.deviceKey === key) ?? null, save: async (c) => void saved.push(c) };
  }
  const facts = async () => ({ userAgent: 'UA', adapter: { vendor: 'google', architecture: 'swiftshader', description: '' }, crossOriginIsolated: true, cores: 2 });

  it('measures once, remembers it for the device, and measures again only when asked', async () => {
    const mem = memory();
    let runs = 0;
    const progress: string[] = [];
    const host = {
      candidates: async (): Promise<BackendName[]> => ['wasm', 'webgl'],
      facts,
      memory: mem,
      runner: async (backend: BackendName) => {
        runs++;
        return timing(backend, backend === 'wasm' ? 90 : 3000);
      },
      onProgress: (t: readonly BackendTiming[], next: BackendName | null) => progress.push(`${t.length}:${next}`),
    };
    const first = await calibrate(host, { task: 'segmentation', batchSize: 8 });
    expect(first).toMatchObject({ fastest: 'wasm', remembered: false, task: 'segmentation', batchSize: 8 });
    expect(first.deviceKey).toBe(deviceKey(await facts()));
    expect(progress).toEqual(['0:wasm', '1:webgl', '2:null']);
    const again = await calibrate(host, { task: 'detection', batchSize: 8 });
    expect(again).toMatchObject({ fastest: 'wasm', remembered: true, task: 'segmentation' });
    expect(runs).toBe(2);
    await calibrate(host, { task: 'segmentation', batchSize: 8, remeasure: true });
    expect(runs).toBe(4);
    expect(mem.saved).toHaveLength(2);
  });

  it('falls back to the first candidate when nothing could be measured', async () => {
    const c = await calibrate(
      { candidates: async () => ['webgpu', 'wasm'], facts, memory: memory(), runner: async (b, limitMs) => timing(b, null, { limitMs }) },
      { task: 'detection', batchSize: 8, measure: { budgetMs: 10, minShareMs: 1 } },
    );
    expect(c.fastest).toBe('webgpu');
  });
});

describe('remembered records', () => {
  it('differ per browser, adapter, isolation and core count', () => {
    const base = { userAgent: 'UA', adapter: null, crossOriginIsolated: false, cores: 2 };
    const keys = new Set([base, { ...base, userAgent: 'UB' }, { ...base, crossOriginIsolated: true }, { ...base, cores: 8 }, { ...base, adapter: { vendor: 'v', architecture: 'a', description: '' } }].map(deviceKey));
    expect(keys.size).toBe(5);
  });

  it('are used only when they have the expected shape', () => {
    const ok = { deviceKey: 'k', fastest: 'wasm', measuredAt: 'x', timings: [{ backend: 'wasm', msPerStep: 90 }, { backend: 'webgpu', msPerStep: null }] };
    expect(isCalibration(ok)).toBe(true);
    expect(isCalibration({ ...ok, fastest: 'tpu' })).toBe(false);
    expect(isCalibration({ ...ok, timings: [{ backend: 'wasm', msPerStep: Infinity }] })).toBe(false);
    expect(isCalibration(null)).toBe(false);
  });
});
