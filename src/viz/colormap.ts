// Perceptual colour maps as pure functions: value in [0,1] -> sRGB bytes.
// Polynomial fits of matplotlib's viridis and magma (Matt Zucker's degree-6 fits, within a few 1/255 of the tables).

export type Rgb = readonly [number, number, number];
export type ColormapName = 'viridis' | 'magma';

type Coeffs = readonly (readonly [number, number, number])[];

const VIRIDIS: Coeffs = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

const MAGMA: Coeffs = [
  [-0.002136485053939582, -0.000749655052795221, -0.005386127855323933],
  [0.2516605407371642, 0.6775232436837668, 2.494026599312351],
  [8.353717279216625, -3.577719514958484, 0.3144679030132573],
  [-27.66873308576866, 14.26473078096533, -13.64921318813922],
  [52.17613981234068, -27.94360607168351, 12.94416944238394],
  [-50.76852536473588, 29.04658282127291, 4.23415299384598],
  [18.65570506591883, -11.48977351997711, -5.601961508734096],
];

const TABLES: Record<ColormapName, Coeffs> = { viridis: VIRIDIS, magma: MAGMA };

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** Colour of `t` (clamped to [0,1]; NaN maps to 0) as 0..255 integers. */
export function colormap(name: ColormapName, t: number): Rgb {
  const c = TABLES[name];
  const x = clamp01(t);
  const out = [0, 0, 0];
  for (let ch = 0; ch < 3; ch++) {
    let v = c[6][ch];
    for (let k = 5; k >= 0; k--) v = c[k][ch] + x * v;
    out[ch] = Math.round(clamp01(v) * 255);
  }
  return [out[0], out[1], out[2]];
}

/** A 256-entry lookup table (RGB bytes, 768 long) for painting many pixels fast. */
export function colormapLut(name: ColormapName): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(colormap(name, i / 255), i * 3);
  return lut;
}

/** Relative luminance (sRGB, gamma-expanded) in [0,1]. */
export function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
