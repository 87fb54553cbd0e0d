import { MaskdProgram, ceilDiv, i32 } from './program';

/** dz = dm·m·(1−m): the gradient at the sigmoid's input; [N·P·T] elementwise. */
export class MasksDzProgram extends MaskdProgram {
  variableNames = ['DM', 'M'];
  shaderKey = 'maskdMasksDz';
  uniforms = 'len : i32,';

  constructor(len: number) {
    super([len], ceilDiv(len, 64), 64);
    this.uniformValues = [i32(len)];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.len) { return; }
        let m = M[index];
        result[index] = DM[index] * m * (1.0 - m);
      }`;
  }
}
