import { describe, expect, it } from 'vitest';
import { digitsUrl, parseDigits } from './digits';
import { loadDigitsNode } from './digitsNode';

describe('digits.bin', () => {
  const pools = loadDigitsNode();

  it('parses into balanced train/val/test pools', () => {
    expect(pools.train.count).toBe(5000);
    expect(pools.val.count).toBe(1000);
    expect(pools.test.count).toBe(1000);
    expect(pools.train.rows).toBe(28);
    expect(pools.train.pixels.length).toBe(5000 * 784);
    expect(pools.test.pixels.length).toBe(1000 * 784);
    for (const pool of [pools.train, pools.val, pools.test]) {
      const perClass = new Array<number>(10).fill(0);
      pool.labels.forEach((l) => perClass[l]++);
      expect(new Set(perClass).size).toBe(1);
    }
  });

  it('train, val and test share no image', () => {
    const key = (p: Uint8Array, i: number) => p.subarray(i * 784, (i + 1) * 784).join(',');
    const keys = (pool: typeof pools.train) => new Set(Array.from({ length: pool.count }, (_, i) => key(pool.pixels, i)));
    const train = keys(pools.train);
    const val = keys(pools.val);
    const test = keys(pools.test);
    for (const k of val) expect(train.has(k)).toBe(false);
    for (const k of test) {
      expect(train.has(k)).toBe(false);
      expect(val.has(k)).toBe(false);
    }
  });

  it('rejects foreign or truncated files with a clear message', () => {
    expect(() => parseDigits(new ArrayBuffer(8))).toThrow(/too short/);
    expect(() => parseDigits(new Uint8Array(64).buffer)).toThrow(/magic/);
    const ok = pools.train.pixels.buffer as ArrayBuffer;
    expect(() => parseDigits(ok.slice(0, ok.byteLength - 1))).toThrow(/truncated/);
  });

  it('builds the URL from the app base', () => {
    expect(digitsUrl('/')).toBe('/data/digits.bin');
    expect(digitsUrl('/maskd')).toBe('/maskd/data/digits.bin');
  });
});
