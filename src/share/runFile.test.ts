import { describe, expect, it } from 'vitest';
import { defaultDistillSettings, defaultMaskSettings } from '../state/setupSlice';
import { sampleHistory } from './history.testkit';
import { buildRunFile, parseRunFile, type RunContents } from './runFile';

function sampleRun(branch = true): RunContents {
  const T = 3;
  const C = 4;
  const range = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.cos(i * k));
  return {
    config: {
      task: 'detection',
      seed: 987654,
      mask: { ...defaultMaskSettings('detection'), numTokens: T, steps: 12 },
      distill: { ...defaultDistillSettings('detection'), method: 'cwd', steps: 9 },
      compareMethods: ['none', 'maskd'],
    },
    tokens: {
      tokens: { name: 'mask_token', shape: [T, C], data: range(T * C, 0.3) },
      ...(branch
        ? {
            branch: {
              'prob.0.weight': { shape: [3, 3, C, C], data: range(9 * C * C, 0.1) },
              'prob.0.bias': { shape: [C], data: range(C, 0.2) },
              'prob.2.weight': { shape: [1, 1, C, T], data: range(C * T, 0.4) },
              'prob.2.bias': { shape: [T], data: range(T, 0.5) },
            },
          }
        : {}),
    },
    ...sampleHistory(),
  };
}

describe('run file', () => {
  it('round-trips config, tokens (+ branch) and history exactly', () => {
    const run = sampleRun();
    const back = parseRunFile(buildRunFile(run, '2026-11-29T12:00:00.000Z'));
    expect(back.createdAt).toBe('2026-11-29T12:00:00.000Z');
    expect(back.config).toEqual(run.config);
    expect(back.tokens).toEqual(run.tokens);
    expect(back.metrics).toEqual(run.metrics);
    expect(back.losses['masks:-:dice']).toEqual(run.losses['masks:-:dice']);
    const noTokens = parseRunFile(buildRunFile({ ...run, tokens: null }, 'x'));
    expect(noTokens.tokens).toBeNull();
    expect(parseRunFile(buildRunFile(sampleRun(false), 'x')).tokens?.branch).toBeUndefined();
  });

  it('refuses anything malformed with a message that names the field', () => {
    const good = JSON.parse(buildRunFile(sampleRun(), 'x'));
    const bad = (mut: (f: typeof good) => void) => {
      const f = structuredClone(good);
      mut(f);
      return () => parseRunFile(JSON.stringify(f));
    };
    expect(() => parseRunFile('not json')).toThrow(/not valid JSON/);
    expect(() => parseRunFile('[]')).toThrow(/must be an object/);
    expect(bad((f) => (f.format = 'something-else'))).toThrow(/not a MasKD Playground run/);
    expect(bad((f) => (f.format = 'maskd-playground.tokens'))).toThrow(/JSON sidecar of a token export; open the .safetensors/);
    expect(bad((f) => (f.formatVersion = 3))).toThrow(/format version 3; this page reads versions 1 and 2/);
    expect(bad((f) => (f.config.task = 'custom'))).toThrow(/config.task/);
    expect(bad((f) => (f.config.seed = -1))).toThrow(/config.seed/);
    expect(bad((f) => (f.config.mask.numTokens = 1000))).toThrow(/numTokens/);
    expect(bad((f) => (f.config.mask.lr = 'fast'))).toThrow(/config.mask.lr/);
    expect(bad((f) => (f.config.distill.method = 'magic'))).toThrow(/config.distill.method/);
    expect(bad((f) => (f.config.distill.params.cwd.tau = 0))).toThrow(/params.cwd.tau/);
    expect(bad((f) => (f.config.distill.params.maskd.evil = 1))).toThrow(/unknown parameter "evil"/);
    expect(bad((f) => (f.config.compareMethods = ['x']))).toThrow(/compareMethods/);
    expect(bad((f) => (f.tokens.tokens.data = f.tokens.tokens.data.slice(1)))).toThrow(/needs 12 values/);
    expect(bad((f) => (f.tokens.tokens.data[0] = 'NaN'))).toThrow(/finite/);
    expect(bad((f) => (f.tokens.branch['prob.2.bias'].shape = [4]))).toThrow(/prob.2.bias/);
    expect(bad((f) => (f.tokens.branch.extra = {}))).toThrow(/unknown tensors "extra"/);
    expect(bad((f) => (f.history.losses[0].stage = 'x'))).toThrow(/run file: history: losses\[0\]/);
  });

  it('fills method parameters the file leaves out with their defaults', () => {
    const f = JSON.parse(buildRunFile(sampleRun(), 'x'));
    delete f.config.distill.params.fitnet;
    const back = parseRunFile(JSON.stringify(f));
    expect(back.config.distill.params.fitnet).toEqual({ lossWeight: 1 });
  });
});
