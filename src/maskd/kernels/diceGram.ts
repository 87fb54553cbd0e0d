import { MaskdProgram, ceilDiv, i32 } from './program';
import { tokenBlock, unroll } from './wgsl';

/** Pixels per partial sum of the Gram matrix. */
export const DICE_SLICE = 64;

/**
 * First pass of G[n,i,j] = Σ_p m[n,p,i]·m[n,p,j]: partial sums over slices of 64 pixels,
 * [N, S, T, T]. One invocation per (n, slice, i, block of ≤16 j), no workgroup barriers: a
 * workgroup-per-(n,i,j) tree reduction was 4× slower than the composed matMul on SwiftShader.
 */
export class DiceGramPartialProgram extends MaskdProgram {
  variableNames = ['M'];
  shaderKey: string;
  uniforms = 'N : i32, P : i32, T : i32, S : i32,';
  readonly slices: number;
  private readonly tb: number;

  constructor(n: number, p: number, t: number) {
    const tb = tokenBlock(t);
    const slices = ceilDiv(p, DICE_SLICE);
    super([n, slices, t, t], ceilDiv(n * slices * t * ceilDiv(t, tb), 64), 64);
    this.tb = tb;
    this.slices = slices;
    this.shaderKey = `maskdDiceGramPart_tb${tb}_s${DICE_SLICE}`;
    this.uniformValues = [i32(n), i32(p), i32(t), i32(slices)];
  }

  getUserCode(): string {
    const tb = this.tb;
    return `
      fn main(index : i32) {
        let T = uniforms.T;
        let P = uniforms.P;
        let blocks = (T + ${tb - 1}) / ${tb};
        if (index >= uniforms.N * uniforms.S * T * blocks) { return; }
        let jb = index % blocks;
        let rest = index / blocks;
        let i = rest % T;
        let ns = rest / T;
        let s = ns % uniforms.S;
        let n = ns / uniforms.S;
        let jStart = jb * ${tb};
        ${unroll(tb, (k) => `let j${k} = min(jStart + ${k}, T - 1);`)}
        ${unroll(tb, (k) => `var a${k} = 0.0;`)}
        let pEnd = min(P, (s + 1) * ${DICE_SLICE});
        for (var p = s * ${DICE_SLICE}; p < pEnd; p++) {
          let base = (n * P + p) * T;
          let mi = M[base + i];
          ${unroll(tb, (k) => `a${k} = a${k} + mi * M[base + j${k}];`)}
        }
        let out = ((n * uniforms.S + s) * T + i) * T + jStart;
        ${unroll(tb, (k) => `if (jStart + ${k} < T) { result[out + ${k}] = a${k}; }`)}
      }`;
  }
}

/** Second pass: G[n,i,j] = Σ_s partial[n,s,i,j]. */
export class DiceGramSumProgram extends MaskdProgram {
  variableNames = ['PG'];
  shaderKey = 'maskdDiceGramSum';
  uniforms = 'N : i32, S : i32, TT : i32,';

  constructor(n: number, slices: number, t: number) {
    super([n, t, t], ceilDiv(n * t * t, 64), 64);
    this.uniformValues = [i32(n), i32(slices), i32(t * t)];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let TT = uniforms.TT;
        if (index >= uniforms.N * TT) { return; }
        let n = index / TT;
        let ij = index - n * TT;
        var acc = 0.0;
        for (var s = 0; s < uniforms.S; s++) {
          acc = acc + PG[(n * uniforms.S + s) * TT + ij];
        }
        result[index] = acc;
      }`;
  }
}
