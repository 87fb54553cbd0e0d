import { MaskdProgram, ceilDiv, i32 } from './program';
import { channelWidth, tokenBlock, unroll, vecHelpers, vecType } from './wgsl';

/**
 * m[n,p,t] = sigmoid(Σ_c F[n,p,c]·tok[t,c]); F [N·P, C], tok [T, C] → m [N·P, T].
 * Register tiling: one invocation per (block of PB pixels, block of ≤16 tokens), so each
 * channel chunk of F and tok is loaded once for PB·TB dot products; vec4 when C % 4 == 0.
 */
export class MasksForwardProgram extends MaskdProgram {
  variableNames = ['F', 'W'];
  variableComponents: number[];
  shaderKey: string;
  uniforms = 'rows : i32, C : i32, T : i32,';
  private readonly width: 1 | 4;
  private readonly tb: number;
  private readonly pb: number;

  constructor(rows: number, c: number, t: number) {
    const tb = tokenBlock(t);
    const pb = tb <= 8 ? 4 : 2;
    super([rows, t], ceilDiv(ceilDiv(rows, pb) * ceilDiv(t, tb), 64), 64);
    this.width = channelWidth(c);
    this.tb = tb;
    this.pb = pb;
    this.variableComponents = [this.width, this.width];
    this.shaderKey = `maskdMasksFwd_w${this.width}_tb${tb}_pb${pb}`;
    this.uniformValues = [i32(rows), i32(c), i32(t)];
  }

  getUserCode(): string {
    const { tb, pb } = this;
    const v = vecType(this.width);
    return `
      ${vecHelpers(this.width)}
      fn main(index : i32) {
        let T = uniforms.T;
        let rows = uniforms.rows;
        let CV = uniforms.C / ${this.width};
        let blocks = (T + ${tb - 1}) / ${tb};
        if (index >= ((rows + ${pb - 1}) / ${pb}) * blocks) { return; }
        let rb = index / blocks;
        let t0 = (index - rb * blocks) * ${tb};
        ${unroll(pb, (i) => `let f${i} = min(rb * ${pb} + ${i}, rows - 1) * CV;`)}
        ${unroll(tb, (k) => `let w${k} = min(t0 + ${k}, T - 1) * CV;`)}
        ${unroll(pb * tb, (j) => `var a${j} = 0.0;`)}
        for (var c = 0; c < CV; c++) {
          ${unroll(pb, (i) => `let x${i} : ${v} = F[f${i} + c];`)}
          ${unroll(tb, (k) => `{ let w = W[w${k} + c]; ${unroll(pb, (i) => `a${i * tb + k} = a${i * tb + k} + dotv(x${i}, w);`, ' ')} }`)}
        }
        ${unroll(pb, (i) => `{
          let r = rb * ${pb} + ${i};
          if (r < rows) {
            ${unroll(tb, (k) => `if (t0 + ${k} < T) { result[r * T + t0 + ${k}] = 1.0 / (1.0 + exp(-a${i * tb + k})); }`)}
          }
        }`)}
      }`;
  }
}
