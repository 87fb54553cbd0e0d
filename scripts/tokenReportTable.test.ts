import { describe, expect, it } from 'vitest';
import type { TokenReport } from '../src/engine/tokens';
import { TokenStats } from '../src/train/tokenReport';
import { formatWeight, tokenReportTable } from './tokenReportTable';

/** A real report (TokenStats over hand-made masks) of 4 tokens, with the branch's weights or without. */
function report(weights?: Float32Array): TokenReport {
  const stats = new TokenStats(4, ['background', '0']);
  // One image, one pixel of background: areas 0.3, 0.5, 0.7, 0.01.
  stats.add(new Float32Array([0.3, 0.5, 0.7, 0.01]), [1, 1, 1, 4], [new Uint8Array([0])], [1, 1], weights);
  return stats.summarise('val');
}

describe('tokenReportTable', () => {
  it('with the branch: `effective tokens N.NN of T` in the summary and a weight column', () => {
    const text = tokenReportTable('detection', report(new Float32Array([0.5, 0.5, 0, 0])));
    const [summary, , head, , ...rows] = text.split('\n');
    expect(summary).toContain('3 of 4 tokens live');
    expect(summary).toContain('effective tokens 2.00 of 4');
    expect(summary).toMatch(/1 validation scenes$/);
    expect(head).toBe('| token | area | live | weight | bg | 0 |');
    expect(rows).toEqual(['| 1 | 0.30 | yes | 0.500 | 0.30 | — |', '| 2 | 0.50 | yes | 0.500 | 0.50 | — |', '| 3 | 0.70 | yes | 0 | 0.70 | — |', '| 4 | 0.01 | no | 0 | 0.01 | — |']);
  });

  it('a collapsed branch reads 1.00, and its tiny weights keep their size', () => {
    const text = tokenReportTable('detection', report(new Float32Array([6e-21, 1, 0, 3e-37])));
    expect(text).toContain('effective tokens 1.00 of 4');
    expect(text).toContain('| 1 | 0.30 | yes | 6e-21 |');
  });

  it('without the branch: no effective number and no weight column', () => {
    const text = tokenReportTable('segmentation', report());
    expect(text).not.toContain('effective tokens');
    expect(text.split('\n')[2]).toBe('| token | area | live | bg | 0 |');
  });
});

describe('formatWeight', () => {
  it('three decimals, exponent form below 0.0005, 0 for an exact zero', () => {
    expect(formatWeight(0.1234)).toBe('0.123');
    expect(formatWeight(1)).toBe('1.000');
    expect(formatWeight(0.0004)).toBe('4e-4');
    expect(formatWeight(0)).toBe('0');
    expect(formatWeight(Number.NaN)).toBe('—');
  });
});
