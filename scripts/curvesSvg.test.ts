import { describe, expect, it } from 'vitest';
import { curvesSvg, summarise, ticks } from './curvesSvg';

describe('summarise', () => {
  it('gives mean, lowest and highest over seeds at each step', () => {
    const q = summarise([
      [[0, 0.1], [100, 0.5]],
      [[0, 0.3], [100, 0.7]],
    ]);
    expect(q).toHaveLength(2);
    expect(q[0]).toMatchObject({ step: 0, lo: 0.1, hi: 0.3 });
    expect(q[0].mean).toBeCloseTo(0.2, 12);
    expect(q[1]).toMatchObject({ step: 100, lo: 0.5, hi: 0.7 });
  });
});

describe('ticks', () => {
  it('picks round steps covering the range', () => {
    expect(ticks(0, 2000)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(ticks(0.1, 0.52)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(ticks(3, 3)).toEqual([3]);
  });
});

describe('curvesSvg', () => {
  it('draws a panel per task with a line and a band per method, the legend and the reference', () => {
    const svg = curvesSvg([
      {
        title: 'segmentation <test>',
        metricName: 'mIoU',
        series: [
          { label: 'none', colour: '#888888', seeds: [[[0, 0.1], [10, 0.4]], [[0, 0.2], [10, 0.5]]] },
          { label: 'MasKD', colour: '#dc2626', seeds: [[[0, 0.1], [10, 0.6]]] },
        ],
        references: [{ label: 'teacher', value: 0.75 }],
      },
      { title: 'detection', metricName: 'AP@0.5', series: [{ label: 'none', colour: '#888888', seeds: [[[0, 0.2], [10, 0.3]]] }] },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('width="1200"'); // two 600-px panels
    expect(svg.match(/<polyline/g)).toHaveLength(3);
    expect(svg.match(/<polygon/g)).toHaveLength(3);
    expect(svg).toContain('segmentation &lt;test&gt;');
    expect(svg).toContain('>teacher 0.75<');
    expect(svg).toContain('validation AP@0.5');
  });
});
