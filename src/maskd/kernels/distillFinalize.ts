import { GROUP_SNIPPET, MaskdProgram, MAX_WORKGROUP, f32, i32, treeReduce } from './program';

/**
 * The scalar loss from the stats [N,T,2] = (num, area): Σ_{n,t} coef·num/(area + eps) with
 * coef = invNorm (no weights, invNorm = 1/(N·T·C)) or w[n,t]·invNorm (invNorm = 1/(N·C)).
 * One workgroup; output [1].
 */
export class DistillFinalizeProgram extends MaskdProgram {
  variableNames: string[];
  shaderKey: string;
  uniforms = 'NT : i32, eps : f32, invNorm : f32,';
  private readonly weighted: boolean;

  constructor(nt: number, eps: number, invNorm: number, weighted: boolean) {
    super([1], 1, MAX_WORKGROUP);
    this.weighted = weighted;
    this.variableNames = weighted ? ['ST', 'WT'] : ['ST'];
    this.shaderKey = `maskdDistillFinal_${weighted ? 'w' : 'u'}`;
    this.uniformValues = [i32(nt), f32(eps), f32(invNorm)];
  }

  getUserCode(): string {
    const l = MAX_WORKGROUP;
    return `
      var<workgroup> sAcc : array<f32, ${l}>;
      fn main(index : i32) {
        ${GROUP_SNIPPET}
        var acc = 0.0;
        for (var i = lid; i < uniforms.NT; i = i + ${l}) {
          let r = ST[2 * i] / (ST[2 * i + 1] + uniforms.eps);
          acc = acc + ${this.weighted ? 'WT[i] * r' : 'r'};
        }
        sAcc[lid] = acc;
        ${treeReduce(['sAcc'], l)}
        if (group == 0 && lid == 0) {
          result[0] = sAcc[0] * uniforms.invNorm;
        }
      }`;
  }
}
