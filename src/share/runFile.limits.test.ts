// Run files: the size is checked from File.size before the file is read, settings beyond the
// Setup fields are clamped with a note, and fuzzing of the parser (a run or a RunFileError,
// bounded in time and memory).
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { assertBounded } from '../fuzz.testkit';
import { SETTING_RANGES } from './settingRanges';
import { defaultDistillSettings, defaultMaskSettings } from '../state/setupSlice';
import { sampleHistory } from './history.testkit';
import { buildRunFile, parseRunFile, readRunFile, RunFileError, type RunContents } from './runFile';

function sampleRun(): RunContents {
  const range = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.cos(i * k));
  return {
    config: {
      task: 'segmentation',
      seed: 3,
      mask: { ...defaultMaskSettings('segmentation'), numTokens: 2, steps: 12 },
      distill: { ...defaultDistillSettings('segmentation'), steps: 9 },
      compareMethods: ['none', 'maskd'],
    },
    tokens: {
      tokens: { name: 'mask_token', shape: [2, 3], data: range(6, 0.3) },
      branch: {
        'prob.0.weight': { shape: [3, 3, 3, 3], data: range(81, 0.1) },
        'prob.0.bias': { shape: [3], data: range(3, 0.2) },
        'prob.2.weight': { shape: [1, 1, 3, 2], data: range(6, 0.4) },
        'prob.2.bias': { shape: [2], data: range(2, 0.5) },
      },
    },
    ...sampleHistory(),
  };
}

describe('run file limits', () => {
  it('a 65 MiB run file is refused from its size: it is never read', async () => {
    const text = vi.fn(async () => '{}');
    await expect(readRunFile({ name: 'huge-run.json', size: 65 * 2 ** 20, text })).rejects.toThrow(
      /^huge-run\.json: 68\.16 MB is over the 64 MiB limit on bytes of a run file, checked from the file size before it is read; it was not read/,
    );
    await expect(readRunFile({ name: 'huge-run.json', size: 65 * 2 ** 20, text })).rejects.toBeInstanceOf(RunFileError);
    expect(text).not.toHaveBeenCalled();
    const ok = buildRunFile(sampleRun(), 'x');
    expect((await readRunFile({ name: 'run.json', size: ok.length, text: async () => ok })).config.seed).toBe(3);
  });

  it('settings beyond the Setup fields (batch 4096, 10⁷ steps, lr 5) are clamped, each with a note', () => {
    const f = JSON.parse(buildRunFile(sampleRun(), 'x'));
    f.config.mask.batchSize = 4096;
    f.config.mask.steps = 1e7;
    f.config.distill.lr = 5;
    f.config.distill.params.maskd.lossWeight = 2e4;
    const run = parseRunFile(JSON.stringify(f));
    expect(run.config.mask.batchSize).toBe(128);
    expect(run.config.mask.steps).toBe(100_000);
    expect(run.config.distill.lr).toBe(1);
    expect(run.config.distill.params.maskd.lossWeight).toBe(10_000);
    expect(run.clamped).toEqual([
      'Learn masks: steps 10 000 000 is outside 1–100 000; set to 100 000',
      'Learn masks: batch size 4 096 is outside 1–128; set to 128',
      'λ 20 000 is outside 0–10 000; set to 10 000',
      'Distill: student learning rate 5 is outside 0–1; set to 1',
    ]);
    expect(parseRunFile(buildRunFile(sampleRun(), 'x')).clamped).toEqual([]);
  });
  it('a run file from before the recipes and the warm-up share opens as it ran: Adam, cosine, no decay; the warm-up in steps as a share', () => {
    const f = JSON.parse(buildRunFile(sampleRun(), 'x'));
    for (const k of ['optimizer', 'momentum', 'weightDecay', 'schedule', 'minLr']) delete f.config.mask[k];
    delete f.config.distill.params.maskd.customMaskWarmupShare;
    f.config.distill.params.maskd.customMaskWarmup = 3; // of the sample's 9 distillation steps
    const run = parseRunFile(JSON.stringify(f));
    expect(run.config.mask).toMatchObject({ optimizer: 'adam', momentum: 0.9, weightDecay: 0, schedule: 'cosine', minLr: 0 });
    expect(run.config.distill.params.maskd.customMaskWarmupShare).toBeCloseTo(1 / 3, 12);
    expect(run.config.distill.params.maskd).not.toHaveProperty('customMaskWarmup');
    expect(run.clamped).toEqual([]);
    // The old default, 1000 steps, never switched on in a 9-step run: share 1, with a note.
    f.config.distill.params.maskd.customMaskWarmup = 1000;
    const late = parseRunFile(JSON.stringify(f));
    expect(late.config.distill.params.maskd.customMaskWarmupShare).toBe(1);
    expect(late.clamped).toEqual(['Custom-mask warm-up of 1000 steps is longer than the run (9 steps); set to share 1 (never on)']);
    // A stage-1 optimiser the page does not have is refused.
    const bad = JSON.parse(buildRunFile(sampleRun(), 'x'));
    bad.config.mask.optimizer = 'rmsprop';
    expect(() => parseRunFile(JSON.stringify(bad))).toThrow(/config.mask.optimizer must be one of adam, sgd/);
  });
});

describe('run file fuzzing: a run within the Setup ranges or a RunFileError, bounded', () => {
  const valid = JSON.parse(buildRunFile(sampleRun(), 'x')) as Record<string, unknown>;
  const leaf = fc.oneof(fc.double(), fc.integer({ min: -10, max: 1e8 }), fc.string({ maxLength: 5 }), fc.boolean(), fc.constant(null), fc.constantFrom(4096, 1e7, -1, 0, 65, 2049), fc.anything({ maxDepth: 1 }));
  /** The valid file with a few values (found by path) replaced. */
  const mutated = fc.array(fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), leaf), { minLength: 1, maxLength: 4 }).map((edits) => {
    const f = structuredClone(valid);
    for (const [path, value] of edits) {
      let node: unknown = f;
      for (let i = 0; i < path.length; i++) {
        if (typeof node !== 'object' || node === null) break;
        const keys = Object.keys(node);
        if (!keys.length) break;
        const key = keys[path[i] % keys.length];
        if (i === path.length - 1) (node as Record<string, unknown>)[key] = value;
        else node = (node as Record<string, unknown>)[key];
      }
    }
    return JSON.stringify(f);
  });
  const texts = fc.oneof(mutated, fc.json({ maxDepth: 3 }), fc.string({ maxLength: 100 }), mutated.chain((t) => fc.nat(t.length).map((n) => t.slice(0, n))));

  it('parseRunFile', () => {
    const stats = assertBounded(
      texts,
      (text) => {
        const run = parseRunFile(text);
        const { mask, distill } = run.config;
        const inRange = (key: keyof typeof SETTING_RANGES, v: number) => expect(v >= SETTING_RANGES[key].min && v <= SETTING_RANGES[key].max, `${key} ${v}`).toBe(true);
        inRange('maskTokens', mask.numTokens);
        inRange('maskSteps', mask.steps);
        inRange('maskBatch', mask.batchSize);
        inRange('maskLr', mask.lr);
        inRange('distillSteps', distill.steps);
        inRange('distillBatch', distill.batchSize);
        inRange('distillLr', distill.lr);
        inRange('valCount', distill.valCount);
        if (run.tokens) expect(run.tokens.tokens.data.every((v) => Math.abs(v) <= 1e6)).toBe(true);
      },
      RunFileError,
      { numRuns: 600 },
    );
    expect(stats.accepted).toBeGreaterThan(30);
    expect(stats.refused).toBeGreaterThan(100);
  });
});
