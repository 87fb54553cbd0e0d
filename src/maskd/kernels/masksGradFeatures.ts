import { MaskdProgram, ceilDiv, i32 } from './program';
import { channelWidth, vecType } from './wgsl';

/**
 * dF[n,p,c] = Σ_t dm[n,p,t]·m(1−m)[n,p,t]·tok[t,c]; dm, m [N·P, T], tok [T, C] → dF [N·P, C].
 * One invocation per (pixel, chunk of 4 channels) when C % 4 == 0.
 */
export class MasksGradFeaturesProgram extends MaskdProgram {
  variableNames = ['DM', 'M', 'W'];
  variableComponents: number[];
  outputComponent: number;
  shaderKey: string;
  uniforms = 'rows : i32, C : i32, T : i32,';
  private readonly width: 1 | 4;

  constructor(rows: number, c: number, t: number) {
    const width = channelWidth(c);
    super([rows, c], ceilDiv((rows * c) / width, 64), 64);
    this.width = width;
    this.variableComponents = [1, 1, width];
    this.outputComponent = width;
    this.shaderKey = `maskdMasksGradF_w${width}`;
    this.uniformValues = [i32(rows), i32(c), i32(t)];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let T = uniforms.T;
        let CV = uniforms.C / ${this.width};
        if (index >= uniforms.rows * CV) { return; }
        let row = index / CV;
        let c = index - row * CV;
        var acc = ${vecType(this.width)}(0.0);
        for (var t = 0; t < T; t++) {
          let m = M[row * T + t];
          acc = acc + (DM[row * T + t] * m * (1.0 - m)) * W[t * CV + c];
        }
        result[index] = acc;
      }`;
  }
}
