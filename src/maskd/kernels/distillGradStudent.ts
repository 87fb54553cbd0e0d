import { MaskdProgram, ceilDiv, i32 } from './program';
import { channelWidth } from './wgsl';

/**
 * dS[n,p,c] = 2·(S−F)·q[n,p] (sign +1) or dF = −dS (sign −1); S, F [N·P, C], q [N·P].
 * Two launches of this beat one launch plus tf.neg, which ran at a third of the speed.
 */
export class DistillGradStudentProgram extends MaskdProgram {
  variableNames = ['S', 'F', 'Q'];
  shaderKey: string;
  uniforms = 'rows : i32, C : i32,';
  private readonly width: 1 | 4;
  private readonly sign: 1 | -1;

  constructor(rows: number, c: number, sign: 1 | -1) {
    const width = channelWidth(c);
    super([rows, c], ceilDiv((rows * c) / width, 64), 64);
    this.width = width;
    this.sign = sign;
    this.variableComponents = [width, width, 1];
    this.outputComponent = width;
    this.shaderKey = `maskdDistillGradS_w${width}_s${sign}`;
    this.uniformValues = [i32(rows), i32(c)];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let CV = uniforms.C / ${this.width};
        if (index >= uniforms.rows * CV) { return; }
        let row = index / CV;
        result[index] = (${this.sign * 2}.0 * Q[row]) * (S[index] - F[index]);
      }`;
  }
}
