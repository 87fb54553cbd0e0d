import { GROUP_SNIPPET, MaskdProgram, i32, pow2Workgroup, treeReduce } from './program';

/**
 * G[n,i,j] = Σ_p m[n,p,i]·m[n,p,j]; m [N, P, T] → [N, T, T].
 * One workgroup per (n,i,j): lanes stride over p, then a tree reduction.
 */
export class DiceGramProgram extends MaskdProgram {
  variableNames = ['M'];
  shaderKey: string;
  uniforms = 'N : i32, P : i32, T : i32,';
  private readonly lanes: number;

  constructor(n: number, p: number, t: number) {
    const lanes = pow2Workgroup(p);
    super([n, t, t], n * t * t, lanes);
    this.lanes = lanes;
    this.shaderKey = `maskdDiceGram_l${lanes}`;
    this.uniformValues = [i32(n), i32(p), i32(t)];
  }

  getUserCode(): string {
    const l = this.lanes;
    return `
      var<workgroup> sAcc : array<f32, ${l}>;
      fn main(index : i32) {
        ${GROUP_SNIPPET}
        let T = uniforms.T;
        let P = uniforms.P;
        let total = uniforms.N * T * T;
        let live = group < total;
        let g = min(group, total - 1);
        let n = g / (T * T);
        let ij = g - n * T * T;
        let i = ij / T;
        let j = ij - i * T;
        var acc = 0.0;
        for (var p = lid; p < P; p = p + ${l}) {
          let base = (n * P + p) * T;
          acc = acc + M[base + i] * M[base + j];
        }
        sAcc[lid] = acc;
        ${treeReduce(['sAcc'], l)}
        if (live && lid == 0) {
          result[g] = sAcc[0];
        }
      }`;
  }
}
