import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { REFERENCE_PARAM_NAMES, ReceptiveTokens, TOKEN_INIT_STD, referencePrefix } from './tokens';

// Top-level, so tensors built while collecting describe blocks are on cpu too.
await tf.setBackend('cpu');

describe('ReceptiveTokens', () => {
  it('creates a named, trainable [T,C] variable', () => {
    const tokens = ReceptiveTokens.create({ numTokens: 6, channels: 16, seed: 1 });
    expect(tokens.name).toBe('mask_token');
    expect(tokens.variable.shape).toEqual([6, 16]);
    expect([tokens.numTokens, tokens.channels]).toEqual([6, 16]);
    expect(tokens.variable.trainable).toBe(true);
    tokens.setTrainable(false);
    expect(tokens.variable.trainable).toBe(false);
    tokens.dispose();
  });

  it('initialises normal(0, 0.01), reproducibly from the seed', async () => {
    const a = ReceptiveTokens.create({ numTokens: 64, channels: 64, seed: 7 });
    const data = Array.from(await a.variable.data());
    const mean = data.reduce((s, v) => s + v, 0) / data.length;
    const std = Math.sqrt(data.reduce((s, v) => s + (v - mean) ** 2, 0) / data.length);
    expect(TOKEN_INIT_STD).toBe(0.01);
    // 4096 samples: the mean's standard error is 1.6e-4, the std's about 1.1%.
    expect(Math.abs(mean)).toBeLessThan(6e-4);
    expect(std).toBeGreaterThan(0.0095);
    expect(std).toBeLessThan(0.0105);
    const same = ReceptiveTokens.create({ numTokens: 64, channels: 64, seed: 7 });
    const other = ReceptiveTokens.create({ numTokens: 64, channels: 64, seed: 8 });
    expect(Array.from(await same.variable.data())).toEqual(data);
    expect(Array.from(await other.variable.data())).not.toEqual(data);
    [a, same, other].forEach((t) => t.dispose());
  });

  it('round-trips through a plain object and JSON', async () => {
    const tokens = ReceptiveTokens.create({ numTokens: 3, channels: 5, seed: 2, std: 1 });
    const plain = await tokens.serialize();
    expect(plain.name).toBe('mask_token');
    expect(plain.shape).toEqual([3, 5]);
    expect(plain.data).toHaveLength(15);
    const back = ReceptiveTokens.deserialize(JSON.parse(JSON.stringify(plain)));
    expect(back.variable.shape).toEqual([3, 5]);
    expect(Array.from(await back.variable.data())).toEqual(plain.data);
    expect(back.name).toBe('mask_token');
    tokens.dispose();
    back.dispose();
  });

  it('lets several token sets with the same name coexist and disposes them', () => {
    const before = tf.memory().numTensors;
    const a = ReceptiveTokens.create({ numTokens: 2, channels: 3, seed: 1 });
    const b = ReceptiveTokens.create({ numTokens: 2, channels: 3, seed: 1, name: 'mask_token' });
    expect(tf.memory().numTensors).toBe(before + 2);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(a.variable.isDisposed).toBe(true);
  });

  it('rejects malformed data with clear errors', () => {
    expect(() => ReceptiveTokens.deserialize({ name: 'mask_token', shape: [2], data: [1, 2] })).toThrow(/shape must be \[T,C\]/);
    expect(() => ReceptiveTokens.deserialize({ name: 'mask_token', shape: [2, 2], data: [1, 2, 3] })).toThrow(/expected 4 values/);
    expect(() => ReceptiveTokens.deserialize({ name: 'mask_token', shape: [0, 2], data: [] })).toThrow(/T must be an integer ≥ 1/);
    expect(() => ReceptiveTokens.deserialize({ name: 'mask_token', shape: [1, 2], data: [1, NaN] })).toThrow(/non-finite/);
    expect(() => ReceptiveTokens.create({ numTokens: 0, channels: 2, seed: 1 })).toThrow(/numTokens/);
  });

  it('names parameters like the reference state_dict', () => {
    expect(REFERENCE_PARAM_NAMES).toEqual({
      maskToken: 'mask_token',
      conv3x3Weight: 'prob.0.weight',
      conv3x3Bias: 'prob.0.bias',
      conv1x1Weight: 'prob.2.weight',
      conv1x1Bias: 'prob.2.bias',
    });
    expect(referencePrefix(2) + REFERENCE_PARAM_NAMES.maskToken).toBe('mask_modules.2.mask_token');
  });
});
