import { describe, expect, it } from 'vitest';
import { generateScene, generateScenes } from '../data/scenes';
import { syntheticPool } from './previewSeeds.testkit';
import { defaultDistillSettings, defaultMaskSettings } from '../state/setupSlice';
import { PREVIEW_COUNT as ENGINE_PREVIEW_COUNT, PREVIEW_SEED as ENGINE_PREVIEW_SEED } from '../train/engineSession';
import type { MaskSnapshot } from '../engine/progress';
import { buildLinkState, isShippedTeacher, modelRefFromSource, setupFromLink, snapshotFromLinkMasks, studentInitOfRef, type LinkSource } from './buildLinkState';
import { decodeLink, encodeLink, linkErrorBounds } from './linkCodec';
import { PREVIEW_COUNT, PREVIEW_SEED, previewSceneSeeds } from './previewSeeds';

const T = 6;
const C = 64;

function source(overrides: Partial<LinkSource> = {}): LinkSource {
  const distill = defaultDistillSettings('segmentation');
  return {
    task: 'segmentation',
    teacherSource: 'builtin:segmentation-teacher',
    studentSource: 'fresh:segmentation-student',
    tapLayer: 'neck',
    seed: 1234,
    mask: { ...defaultMaskSettings('segmentation'), lr: 0.02, steps: 300 },
    distill: { ...distill, method: 'maskd' },
    tokens: { name: 'mask_token', shape: [T, C], data: Array.from({ length: T * C }, (_, i) => Math.sin(i * 0.37) * 0.8) },
    previewSeeds: previewSceneSeeds(),
    snapshot: null,
    ...overrides,
  };
}

function snapshot(previews: number, h: number, w: number, t: number): MaskSnapshot {
  const masks = Float32Array.from({ length: previews * h * w * t }, (_, i) => ((i * 37) % 101) / 100);
  return { step: 7, stage: 'masks', previews, imageSize: [64, 64], maskSize: [h, w], numTokens: t, images: new Float32Array(previews * 64 * 64 * 3), masks };
}

describe('preview seeds', () => {
  it('agree with the engine constants, and each seed alone regenerates the engine preview scene', () => {
    expect([PREVIEW_SEED, PREVIEW_COUNT]).toEqual([ENGINE_PREVIEW_SEED, ENGINE_PREVIEW_COUNT]);
    const pool = syntheticPool();
    const stream = generateScenes(pool, PREVIEW_SEED, 0, PREVIEW_COUNT);
    const alone = previewSceneSeeds().map((s) => generateScene(pool, s));
    expect(alone.map((s) => Array.from(s.image))).toEqual(stream.map((s) => Array.from(s.image)));
  });
});

describe('model references', () => {
  it('name shipped and code-built models by id and custom ones by hash; refuse anything else', () => {
    expect(modelRefFromSource('builtin:detection-teacher')).toEqual({ kind: 'builtin', id: 'detection-teacher' });
    expect(modelRefFromSource('fresh:segmentation-student')).toEqual({ kind: 'builtin', id: 'fresh/segmentation-student' });
    expect(modelRefFromSource(`sha256:${'ab'.repeat(32)}`)).toEqual({ kind: 'sha256', hex: 'ab'.repeat(32) });
    expect(modelRefFromSource(`my teacher · sha256:${'cd'.repeat(32)}`)).toEqual({ kind: 'sha256', hex: 'cd'.repeat(32) });
    expect(() => modelRefFromSource('https://evil.example/x')).toThrow(/no id or content hash/);
    expect(isShippedTeacher({ kind: 'builtin', id: 'segmentation-teacher' }, 'segmentation')).toBe(true);
    expect(isShippedTeacher({ kind: 'builtin', id: 'fresh/segmentation-teacher' }, 'segmentation')).toBe(false);
  });
});

describe('the student init in a link', () => {
  it('round-trips through the codec as the student reference: pretrained backbone, fresh, or not a demo student', () => {
    for (const [studentSource, init] of [['builtin:segmentation-student', 'pretrained'], ['fresh:segmentation-student', 'fresh'], [`sha256:${'ab'.repeat(32)}`, null]] as const) {
      const enc = encodeLink(buildLinkState(source({ studentSource })));
      if (!enc.ok) throw new Error(enc.error);
      const dec = decodeLink(`http://127.0.0.1/#${enc.hash.slice(1)}`);
      if (!dec.ok) throw new Error(dec.error);
      expect(studentInitOfRef(dec.state.models.student, 'segmentation')).toBe(init);
    }
    expect(studentInitOfRef({ kind: 'builtin', id: 'detection-student' }, 'segmentation')).toBeNull();
  });
});

describe('buildLinkState', () => {
  it('a shipped teacher: tokens, seeds and hyper-parameters, no mask images; survives the codec within its bound', () => {
    const state = buildLinkState(source());
    expect(state.masks).toBeUndefined();
    expect(state.models.teacher).toEqual({ kind: 'builtin', id: 'segmentation-teacher' });
    expect(state.previews).toEqual(previewSceneSeeds());
    expect(state.hyper).toMatchObject({ method: 'maskd', lossWeight: 1, factor: 0.5, customMask: false, maskLr: 0.02, maskIterations: 300, tapLayer: 'neck', tokenWeights: false });
    const enc = encodeLink(state);
    if (!enc.ok) throw new Error(enc.error);
    const dec = decodeLink(`http://127.0.0.1/#${enc.hash.slice(1)}`);
    if (!dec.ok) throw new Error(dec.error);
    const bound = linkErrorBounds(enc.state, enc.tokenBits).tokens;
    expect(bound).toBeGreaterThan(0);
    expect(bound).toBeLessThan(1e-4);
    const maxErr = Math.max(...Array.from(dec.state.tokens.data, (v, i) => Math.abs(v - state.tokens.data[i])));
    expect(maxErr).toBeLessThanOrEqual(bound);
    expect(dec.state.previews).toEqual(state.previews);
  });

  it('a non-shipped teacher embeds the drawn masks, clamped to [0, 1], and needs them', () => {
    expect(() => buildLinkState(source({ teacherSource: 'fresh:segmentation-teacher' }))).toThrow(/mask images/);
    const snap = snapshot(4, 16, 16, T);
    snap.masks[0] = 1.5;
    const state = buildLinkState(source({ teacherSource: 'fresh:segmentation-teacher', snapshot: snap }));
    expect(state.masks?.height).toBe(16);
    expect(state.masks?.data[0]).toBe(1);
    expect(state.masks?.data.length).toBe(4 * 16 * 16 * T);
    expect(() => buildLinkState(source({ teacherSource: 'fresh:segmentation-teacher', snapshot: snapshot(4, 16, 16, T + 1) }))).toThrow(/do not belong/);
    const back = snapshotFromLinkMasks(state);
    expect(back?.maskSize).toEqual([16, 16]);
    expect(back?.masks[5]).toBeCloseTo(snap.masks[5], 6);
  });

  it('leaves out values a link cannot carry instead of failing', () => {
    const distill = defaultDistillSettings('segmentation');
    distill.params.maskd = { ...distill.params.maskd, tau: 1e9 } as never;
    const state = buildLinkState(source({ distill: { ...distill, method: 'maskd', lr: 99 } }));
    expect(state.hyper.distillLr).toBeUndefined();
    expect(state.hyper.lossWeight).toBe(1);
  });
});

describe('setupFromLink', () => {
  it('gives back the settings it was built from', () => {
    const src = source();
    const s = setupFromLink(buildLinkState(src));
    expect(s.task).toBe('segmentation');
    expect(s.seed).toBe(1234);
    // The segmentation default recipe's optimiser fields (src/share/maskRecipes.ts).
    expect(s.mask).toEqual({
      numTokens: T, lr: 0.02, steps: 300, diceWeight: 1, tokenWeights: false,
      optimizer: 'adam', momentum: 0.9, weightDecay: 1e-3, schedule: 'cosine', minLr: 0,
    });
    expect(s.distill).toEqual({ method: 'maskd', lr: src.distill.lr, steps: src.distill.steps, batchSize: src.distill.batchSize });
    expect(s.params).toEqual(src.distill.params.maskd);
    expect(s.params.customMaskWarmupShare).toBe(0.04);
  });

  it('a link from before the recipes (no optimiser) opens with what it was learnt with: Adam, cosine to 0, no decay', () => {
    const state = buildLinkState(source({ mask: { ...defaultMaskSettings('detection'), lr: 0.02 } }));
    expect(state.hyper).toMatchObject({ optimizer: 'adam', maskWeightDecay: 1e-3, maskMinLr: 0 });
    const { optimizer: _o, schedule: _s, maskMomentum: _m, maskWeightDecay: _w, maskMinLr: _l, ...old } = state.hyper;
    const s = setupFromLink({ ...state, hyper: old });
    expect(s.mask).toMatchObject({ optimizer: 'adam', schedule: 'cosine', weightDecay: 0, minLr: 0, lr: 0.02 });
  });
});
