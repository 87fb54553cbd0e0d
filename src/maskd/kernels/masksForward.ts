import { MaskdProgram, ceilDiv, i32 } from './program';
import { channelWidth, tokenBlock, vecHelpers, vecType } from './wgsl';

/**
 * m[n,p,t] = sigmoid(Σ_c F[n,p,c]·tok[t,c]); F [N·P, C], tok [T, C] → m [N·P, T].
 * One invocation per (pixel, block of ≤16 tokens): the pixel's row is read once per block and
 * the block's dot products stay in registers; vec4 loads when C % 4 == 0.
 */
export class MasksForwardProgram extends MaskdProgram {
  variableNames = ['F', 'W'];
  variableComponents: number[];
  shaderKey: string;
  uniforms = 'rows : i32, C : i32, T : i32,';
  private readonly width: 1 | 4;
  private readonly tb: number;

  constructor(rows: number, c: number, t: number) {
    const tb = tokenBlock(t);
    super([rows, t], ceilDiv(rows * ceilDiv(t, tb), 64), 64);
    this.width = channelWidth(c);
    this.tb = tb;
    this.variableComponents = [this.width, this.width];
    this.shaderKey = `maskdMasksFwd_w${this.width}_tb${tb}`;
    this.uniformValues = [i32(rows), i32(c), i32(t)];
  }

  getUserCode(): string {
    const tb = this.tb;
    return `
      ${vecHelpers(this.width)}
      fn main(index : i32) {
        let T = uniforms.T;
        let CV = uniforms.C / ${this.width};
        let blocks = (T + ${tb - 1}) / ${tb};
        if (index >= uniforms.rows * blocks) { return; }
        let row = index / blocks;
        let t0 = (index - row * blocks) * ${tb};
        var acc : array<f32, ${tb}>;
        let xBase = row * CV;
        for (var c = 0; c < CV; c++) {
          let x : ${vecType(this.width)} = F[xBase + c];
          for (var k = 0; k < ${tb}; k++) {
            let t = min(t0 + k, T - 1);
            acc[k] = acc[k] + dotv(x, W[t * CV + c]);
          }
        }
        for (var k = 0; k < ${tb}; k++) {
          if (t0 + k < T) {
            result[row * T + t0 + k] = 1.0 / (1.0 + exp(-acc[k]));
          }
        }
      }`;
  }
}
