import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HEADER_BYTES, isCurrent, prepareDigits } from './prepare-data.mjs';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'prep-digits-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('prepare-data', () => {
  it('writes identical bytes on two runs and skips when current', () => {
    const a = tempDir();
    const b = tempDir();
    expect(prepareDigits({ outDir: a })).toBe('written');
    expect(prepareDigits({ outDir: b, force: true })).toBe('written');
    const binA = readFileSync(join(a, 'digits.bin'));
    expect(binA.equals(readFileSync(join(b, 'digits.bin')))).toBe(true);
    expect(readFileSync(join(a, 'digits.json'), 'utf8')).toBe(readFileSync(join(b, 'digits.json'), 'utf8'));
    expect(statSync(join(a, 'digits.bin')).size).toBeLessThan(6e6);

    const mtime = statSync(join(a, 'digits.bin')).mtimeMs;
    expect(prepareDigits({ outDir: a })).toBe('skipped');
    expect(statSync(join(a, 'digits.bin')).mtimeMs).toBe(mtime);
  });

  it('rebuilds a corrupted file', () => {
    const d = tempDir();
    prepareDigits({ outDir: d });
    const bin = readFileSync(join(d, 'digits.bin'));
    bin[HEADER_BYTES + 100] ^= 0xff;
    writeFileSync(join(d, 'digits.bin'), bin);
    expect(isCurrent(d)).toBe(false);
    expect(prepareDigits({ outDir: d })).toBe('written');
    expect(isCurrent(d)).toBe(true);
  });

  it('the shipped public/data/digits.bin is current', () => {
    expect(isCurrent(join(import.meta.dirname, '..', 'public', 'data'))).toBe(true);
  });

  it('fails clearly without the mnist package', () => {
    expect(() => prepareDigits({ outDir: tempDir(), mnistDir: '/nonexistent' })).toThrow(/mnist/);
  });
});
