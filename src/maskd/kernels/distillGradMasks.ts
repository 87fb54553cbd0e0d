import { MaskdProgram, ceilDiv, f32, i32 } from './program';

/**
 * dm[n,p,t] = a[n,t]·(2·m·D[n,p] − num/area) with a = g·coef[n,t]/area (see DistillFinalize):
 * the loss is Σ_{n,t} coef·Σ_p m²D / (Σ_p m + eps). m [N,P,T], D [N,P], stats [N,T,2], g [1].
 */
export class DistillGradMasksProgram extends MaskdProgram {
  variableNames: string[];
  shaderKey: string;
  uniforms = 'N : i32, P : i32, T : i32, eps : f32, invNorm : f32,';
  private readonly weighted: boolean;

  constructor(n: number, p: number, t: number, eps: number, invNorm: number, weighted: boolean) {
    super([n, p, t], ceilDiv(n * p * t, 64), 64);
    this.weighted = weighted;
    this.variableNames = weighted ? ['M', 'D', 'ST', 'G', 'WT'] : ['M', 'D', 'ST', 'G'];
    this.shaderKey = `maskdDistillGradM_${weighted ? 'w' : 'u'}`;
    this.uniformValues = [i32(n), i32(p), i32(t), f32(eps), f32(invNorm)];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let T = uniforms.T;
        if (index >= uniforms.N * uniforms.P * T) { return; }
        let row = index / T;
        let t = index - row * T;
        let n = row / uniforms.P;
        let nt = n * T + t;
        let area = ST[2 * nt + 1] + uniforms.eps;
        let a = G[0] * uniforms.invNorm ${this.weighted ? '* WT[nt]' : ''} / area;
        result[index] = a * (2.0 * M[index] * D[row] - ST[2 * nt] / area);
      }`;
  }
}
