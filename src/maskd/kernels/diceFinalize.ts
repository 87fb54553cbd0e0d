import { GROUP_SNIPPET, MaskdProgram, MAX_WORKGROUP, f32, i32, treeReduce } from './program';

/**
 * Dice diversity from the Gram matrices G [N,T,T]:
 * Σ_{n,i≠j} 2G_ij/(G_ii + G_jj + 2·diceEps) · invPairs. One workgroup; output [1].
 */
export class DiceFinalizeProgram extends MaskdProgram {
  variableNames = ['G'];
  shaderKey = 'maskdDiceFinal';
  uniforms = 'N : i32, T : i32, diceEps : f32, invPairs : f32,';

  constructor(n: number, t: number, diceEps: number, invPairs: number) {
    super([1], 1, MAX_WORKGROUP);
    this.uniformValues = [i32(n), i32(t), f32(diceEps), f32(invPairs)];
  }

  getUserCode(): string {
    const l = MAX_WORKGROUP;
    return `
      var<workgroup> sAcc : array<f32, ${l}>;
      fn main(index : i32) {
        ${GROUP_SNIPPET}
        let T = uniforms.T;
        var acc = 0.0;
        for (var k = lid; k < uniforms.N * T * T; k = k + ${l}) {
          let n = k / (T * T);
          let ij = k - n * T * T;
          let i = ij / T;
          let j = ij - i * T;
          if (i != j) {
            let b = n * T * T;
            acc = acc + 2.0 * G[k] / (G[b + i * T + i] + G[b + j * T + j] + 2.0 * uniforms.diceEps);
          }
        }
        sAcc[lid] = acc;
        ${treeReduce(['sAcc'], l)}
        if (group == 0 && lid == 0) {
          result[0] = sAcc[0] * uniforms.invPairs;
        }
      }`;
  }
}
