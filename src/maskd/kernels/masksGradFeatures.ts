import { MaskdProgram, ceilDiv, i32 } from './program';
import { channelWidth, unroll, vecType } from './wgsl';

const PB = 4;

/**
 * dF[n,p,c] = Σ_t dz[n,p,t]·tok[t,c]; dz [N·P, T], tok [T, C] → dF [N·P, C].
 * One invocation per (block of 4 pixels, chunk of 4 channels): each token row chunk is
 * loaded once for 4 pixels.
 */
export class MasksGradFeaturesProgram extends MaskdProgram {
  variableNames = ['DZ', 'W'];
  variableComponents: number[];
  shaderKey: string;
  uniforms = 'rows : i32, C : i32, T : i32,';
  private readonly width: 1 | 4;

  constructor(rows: number, c: number, t: number) {
    const width = channelWidth(c);
    super([rows, c], ceilDiv(ceilDiv(rows, PB) * (c / width), 64), 64);
    this.width = width;
    this.variableComponents = [1, width];
    this.outputComponent = width;
    this.shaderKey = `maskdMasksGradF_w${width}`;
    this.uniformValues = [i32(rows), i32(c), i32(t)];
  }

  getUserCode(): string {
    const v = vecType(this.width);
    return `
      fn main(index : i32) {
        let T = uniforms.T;
        let rows = uniforms.rows;
        let CV = uniforms.C / ${this.width};
        if (index >= ((rows + ${PB - 1}) / ${PB}) * CV) { return; }
        let rb = index / CV;
        let c = index - rb * CV;
        ${unroll(PB, (i) => `let z${i} = min(rb * ${PB} + ${i}, rows - 1) * T;`)}
        ${unroll(PB, (i) => `var a${i} = ${v}(0.0);`)}
        for (var t = 0; t < T; t++) {
          let w = W[t * CV + c];
          ${unroll(PB, (i) => `a${i} = a${i} + DZ[z${i} + t] * w;`)}
        }
        ${unroll(PB, (i) => `if (rb * ${PB} + ${i} < rows) { result[(rb * ${PB} + ${i}) * CV + c] = a${i}; }`)}
      }`;
  }
}
