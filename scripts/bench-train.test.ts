// The training-step benchmark's shared code (e2e/harness/trainSteps.ts) on wasm in Node: every row
// builds, steps, keeps its tensor count flat and frees everything, so `npm run bench:train` keeps
// working as the trainers change.
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend as startWasmBackend } from '../src/backends/wasm/node';
import { loadDigitsNode } from '../src/data/digitsNode';
import { BENCH_ROWS, benchRow, benchSettings } from '../e2e/harness/trainSteps';

const pools = loadDigitsNode();

describe('bench:train rows', () => {
  beforeAll(async () => {
    await startWasmBackend();
  });

  it('uses the page defaults of the segmentation demo', () => {
    const s = benchSettings();
    expect(s.stage1).toEqual({ numTokens: 8, batchSize: 8, lr: 0.001, diceWeight: 1, tokenWeights: false });
    expect(s.stage2.batchSize).toBe(8);
    expect(s.stage2.lr).toBe(0.01);
  });

  it.each(BENCH_ROWS)('%s: warm-up and timed steps, flat tensors, nothing left behind', async (row) => {
    const r = await benchRow(row, pools, 2);
    expect(r.backend).toBe('wasm');
    expect(r.samplesMs).toHaveLength(2);
    expect(r.medianMs).toBeGreaterThan(0);
    expect(Number.isFinite(r.lastLoss)).toBe(true);
    expect(r.numTensors).toHaveLength(3);
    expect(r.tensorsFlat).toBe(true);
    expect(r.leftAfterDispose).toBe(0);
  });

  it('profiles one extra step when asked', async () => {
    const r = await benchRow('maskd', pools, 1, () => {}, { profile: true });
    expect(r.profile?.kernelCalls).toBeGreaterThan(100);
    expect(r.profile?.kernelMs).toBeGreaterThan(0);
    expect(r.profile?.top.length).toBeGreaterThan(0);
    expect(r.profile?.longestCalls[0].inputShapes.length).toBeGreaterThan(0);
    expect(r.leftAfterDispose).toBe(0);
  });
});
