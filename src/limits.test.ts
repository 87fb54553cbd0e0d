// The input limits (src/limits.ts): each states its value in its display, what it caps and why,
// and messages name it by that display. docs/limits.md is generated from the same table and
// checked by scripts/docs-limits.test.ts.
import { describe, expect, it } from 'vitest';
import { LIMITS, limitText } from './limits';

describe('limits', () => {
  it('each display states its value', () => {
    for (const [key, spec] of Object.entries(LIMITS)) {
      const shown = spec.display.replace(/ /g, '');
      const candidates = [String(spec.value), `${spec.value / 2 ** 20}MiB`, `${spec.value / 2 ** 30}GiB`, `${spec.value / 1024}KiB`, `${spec.value}s`, '10⁶'];
      expect(candidates.some((c) => shown.includes(c)), `${key}: ${spec.display}`).toBe(true);
    }
  });

  it('each limit is a positive number with a unit, what it caps and why', () => {
    for (const [key, spec] of Object.entries(LIMITS)) {
      expect(spec.value > 0 && Number.isFinite(spec.value), key).toBe(true);
      for (const text of [spec.unit, spec.what, spec.why]) expect(text.trim().length, key).toBeGreaterThan(0);
    }
  });

  it('messages name a limit by its display', () => {
    expect(limitText('runFileBytes')).toBe('the 64 MiB limit');
    expect(limitText('modelLayers')).toBe('the 4 096 layers or nodes limit');
  });
});
