import { describe, expect, it } from 'vitest';
import { colormap, colormapLut, luminance, type ColormapName, type Rgb } from './colormap';

function close(a: Rgb, b: Rgb, tol = 4): void {
  a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(tol));
}

describe('colormap', () => {
  it('matches matplotlib viridis at its ends and middle', () => {
    close(colormap('viridis', 0), [68, 1, 84]);
    close(colormap('viridis', 0.5), [33, 145, 140]);
    close(colormap('viridis', 1), [253, 231, 37]);
  });

  it('matches matplotlib magma at its ends and middle', () => {
    close(colormap('magma', 0), [0, 0, 4], 6);
    close(colormap('magma', 0.5), [183, 55, 121], 6);
    close(colormap('magma', 1), [252, 253, 191], 6);
  });

  it.each<ColormapName>(['viridis', 'magma'])('%s gets brighter monotonically (perceptual ordering)', (name) => {
    let prev = -1;
    for (let i = 0; i <= 64; i++) {
      const l = luminance(colormap(name, i / 64));
      expect(l).toBeGreaterThanOrEqual(prev - 1e-3);
      prev = l;
    }
  });

  it('clamps out-of-range input and maps NaN to the low end', () => {
    expect(colormap('viridis', -3)).toEqual(colormap('viridis', 0));
    expect(colormap('viridis', 9)).toEqual(colormap('viridis', 1));
    expect(colormap('viridis', Number.NaN)).toEqual(colormap('viridis', 0));
  });

  it('builds a 256-entry lookup table that agrees with the function', () => {
    const lut = colormapLut('magma');
    expect(lut.length).toBe(768);
    expect(Array.from(lut.slice(128 * 3, 128 * 3 + 3))).toEqual([...colormap('magma', 128 / 255)]);
  });
});
