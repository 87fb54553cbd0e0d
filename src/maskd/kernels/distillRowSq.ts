import { MaskdProgram, ceilDiv, i32 } from './program';
import { channelWidth, vecHelpers } from './wgsl';

/**
 * D[n,p] = Σ_c (S−F)²[n,p,c]; S, F [N·P, C] → D [N·P].
 * The loss weight of (n,t,c) is m²/(area) times a per-(n,t) factor with no c in it, so the
 * whole loss needs only this per-pixel sum: the [N,T,C] numerators are never formed.
 */
export class DistillRowSqProgram extends MaskdProgram {
  variableNames = ['S', 'F'];
  variableComponents: number[];
  shaderKey: string;
  uniforms = 'rows : i32, C : i32,';
  private readonly width: 1 | 4;

  constructor(rows: number, c: number) {
    super([rows], ceilDiv(rows, 64), 64);
    this.width = channelWidth(c);
    this.variableComponents = [this.width, this.width];
    this.shaderKey = `maskdDistillRowSq_w${this.width}`;
    this.uniformValues = [i32(rows), i32(c)];
  }

  getUserCode(): string {
    return `
      ${vecHelpers(this.width)}
      fn main(index : i32) {
        if (index >= uniforms.rows) { return; }
        let CV = uniforms.C / ${this.width};
        let base = index * CV;
        var acc = 0.0;
        for (var c = 0; c < CV; c++) {
          let d = S[base + c] - F[base + c];
          acc = acc + dotv(d, d);
        }
        result[index] = acc;
      }`;
  }
}
