import { expect, test, type Page } from '@playwright/test';

// The training engine (the worker) through `window.maskd.engine()` on the wasm backend, the
// fastest here, with small configs (batch 2, 120 steps per stage: progress is throttled to ~4/s,
// so a stage must last a few seconds to report enough steps): stage 1 learns non-uniform masks,
// stage 2 with MasKD lowers the distillation loss, pause holds the step counter, and the tensor
// count stays flat. The WebGPU path trains in robust.spec.ts (up to a lost device).

interface StageLog {
  steps: number[];
  totals: number[];
  distill: number[];
  numTensors: number[];
  msPerStep: number;
  result: { step: number; stopped: boolean };
  maskSpread: number[];
  initialSpread: number[];
}

async function boot(page: Page): Promise<{ backend: string; reason: string | null; warnings: string[]; shipped: boolean }> {
  await page.goto('/?backend=wasm');
  await page.waitForFunction(() => typeof window.maskd !== 'undefined');
  return page.evaluate(async () => {
    // The page's own UI starts the shared engine on load; the test takes a fresh one of its own.
    window.maskd.engine().terminate();
    const engine = window.maskd.engine();
    const status = await engine.init(window.maskd.dataUrl, ['wasm']);
    let demo = await engine.loadDemo('segmentation');
    const shipped = demo.teacher.source.startsWith('builtin:');
    // Without a shipped teacher the masks mean little anyway: run the mechanics at 32×32.
    if (!shipped) demo = await engine.loadDemo('segmentation', { inputSize: 32 });
    return { backend: status.backend, reason: status.fallbackReason, warnings: demo.warnings.map((w) => w.text), shipped };
  });
}

const STAGE_STEPS = 120;

test('stage 1 learns masks, stage 2 with maskd lowers the distill loss, pause holds, tensors stay flat', async ({ page }) => {
  const booted = await boot(page);
  console.log('[engine.spec] boot:', JSON.stringify(booted));
  expect(booted.backend).toBe('wasm');

  const learnMasks = (lr: number): Promise<StageLog> => page.evaluate(async ({ lr, steps }) => {
    const engine = window.maskd.engine();
    // Per token: max − min of its mask over the preview pixels.
    const spread = (masks: Float32Array, T: number): number[] =>
      Array.from({ length: T }, (_, t) => {
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = t; i < masks.length; i += T) {
          lo = Math.min(lo, masks[i]);
          hi = Math.max(hi, masks[i]);
        }
        return hi - lo;
      });
    const log = { steps: [] as number[], totals: [] as number[], distill: [] as number[], numTensors: [] as number[], msPerStep: 0 };
    let initialSpread: number[] = [];
    const result = await engine.learnMasks(
      { numTokens: 4, steps, batchSize: 2, lr, diceWeight: 1, tokenWeights: false, seed: 1 },
      {
        onProgress: (p) => {
          log.steps.push(p.step);
          log.totals.push(p.losses.total);
          log.numTensors.push(p.numTensors);
          log.msPerStep = p.msPerStep;
        },
        onSnapshot: (snap) => {
          if (snap.step === 0) initialSpread = spread(snap.masks, snap.numTokens);
        },
      },
    );
    const snap = await engine.snapshotMasks();
    return { ...log, result, initialSpread, maskSpread: spread(snap.masks, snap.numTokens) };
  }, { lr, steps: STAGE_STEPS });
  // Batch k is always the same scenes and the tokens start from the same seed, so a run with
  // lr 0 gives each step's loss without learning: per-batch noise cancels in the comparison.
  const frozen = await learnMasks(0);
  const stage1 = await learnMasks(0.01);
  console.log('[engine.spec] stage 1:', JSON.stringify({ ...stage1, msPerStep: Math.round(stage1.msPerStep) }));
  expect(stage1.result).toEqual({ step: STAGE_STEPS, stopped: false });
  // Pair the second half's steps present in both logs (progress is throttled by time, so only
  // some steps, the last one always, are in both).
  const frozenAt = new Map(frozen.steps.map((step, i) => [step, frozen.totals[i]]));
  const paired = stage1.steps.map((step, i) => [step, stage1.totals[i], frozenAt.get(step)] as const)
    .filter(([step, , f]) => step > STAGE_STEPS / 2 && f !== undefined);
  expect(paired.map(([step]) => step)).toContain(STAGE_STEPS);
  const learnedSum = paired.reduce((a, [, l]) => a + l, 0);
  const frozenSum = paired.reduce((a, [, , f]) => a + (f ?? 0), 0);
  console.log(`[engine.spec] stage 1 paired loss, steps ${STAGE_STEPS / 2 + 1}-${STAGE_STEPS}: learned ${learnedSum.toFixed(3)} vs lr 0 ${frozenSum.toFixed(3)}`);
  expect(learnedSum).toBeLessThan(frozenSum);
  // The masks spread out from their near-uniform start (much more so on a trained teacher).
  expect(Math.max(...stage1.maskSpread)).toBeGreaterThan(2 * Math.max(...stage1.initialSpread));
  if (booted.shipped) expect(Math.max(...stage1.maskSpread)).toBeGreaterThan(0.05);
  expect(stage1.numTensors.at(-1)).toBe(stage1.numTensors[1]);

  const stage2 = await page.evaluate(async (steps) => {
    const engine = window.maskd.engine();
    const log = { steps: [] as number[], distill: [] as number[], numTensors: [] as number[], msPerStep: 0 };
    // Progress is throttled, but steps with a validation metric always come through.
    const result = await engine.distill(
      { method: 'maskd', params: { customMask: false }, steps, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 5, valCount: 2 },
      {
        onProgress: (p) => {
          log.steps.push(p.step);
          log.distill.push(p.losses.distill);
          log.numTensors.push(p.numTensors);
          log.msPerStep = p.msPerStep;
        },
      },
    );
    return { ...log, result };
  }, STAGE_STEPS);
  console.log('[engine.spec] stage 2:', JSON.stringify({ ...stage2, msPerStep: Math.round(stage2.msPerStep) }));
  expect(stage2.result.step).toBe(STAGE_STEPS);
  // The last third of the reported steps, on average, well under where the run started.
  const late = stage2.distill.filter((_, i) => stage2.steps[i] > (2 * STAGE_STEPS) / 3);
  expect(late.length).toBeGreaterThanOrEqual(2);
  expect(late.reduce((a, b) => a + b, 0) / late.length).toBeLessThan(0.8 * stage2.distill[0]);
  // Every evaluated step (5, 10, …) holds one best-student copy: the same count at each.
  const evaluated = [5, 10, 60, STAGE_STEPS].map((s) => stage2.numTensors[stage2.steps.indexOf(s)]);
  expect(new Set(evaluated).size, JSON.stringify(evaluated)).toBe(1);

  // Pause: the step counter stops; resume: it moves on; stop ends the run.
  const paused = await page.evaluate(async () => {
    const engine = window.maskd.engine();
    let step = 0;
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const run = engine.learnMasks(
      { numTokens: 4, steps: 2000, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: false, seed: 2 },
      { onProgress: (p) => (step = p.step) },
    );
    while (step < 2) await wait(50);
    engine.pause();
    await wait(1500);
    const atPause = step;
    await wait(2500);
    const afterWait = step;
    engine.resume();
    while (step < afterWait + 2) await wait(50);
    engine.stop();
    const result = await run;
    return { atPause, afterWait, result };
  });
  console.log('[engine.spec] pause:', JSON.stringify(paused));
  expect(paused.afterWait).toBe(paused.atPause);
  expect(paused.result.stopped).toBe(true);
  expect(paused.result.step).toBeGreaterThanOrEqual(paused.afterWait + 2);
});
