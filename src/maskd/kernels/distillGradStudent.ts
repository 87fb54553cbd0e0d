import { MaskdProgram, ceilDiv, i32 } from './program';
import { channelWidth } from './wgsl';

/** dS[n,p,c] = 2·(S−F)·q[n,p]; S, F [N·P, C], q [N·P] → [N·P, C]; dF is its negation. */
export class DistillGradStudentProgram extends MaskdProgram {
  variableNames = ['S', 'F', 'Q'];
  variableComponents: number[];
  outputComponent: number;
  shaderKey: string;
  uniforms = 'rows : i32, C : i32,';
  private readonly width: 1 | 4;

  constructor(rows: number, c: number) {
    const width = channelWidth(c);
    super([rows, c], ceilDiv((rows * c) / width, 64), 64);
    this.width = width;
    this.variableComponents = [width, width, 1];
    this.outputComponent = width;
    this.shaderKey = `maskdDistillGradS_w${width}`;
    this.uniformValues = [i32(rows), i32(c)];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let CV = uniforms.C / ${this.width};
        if (index >= uniforms.rows * CV) { return; }
        let row = index / CV;
        result[index] = (2.0 * Q[row]) * (S[index] - F[index]);
      }`;
  }
}
