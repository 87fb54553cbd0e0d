import { MaskdProgram, ceilDiv, f32, i32 } from './program';

/**
 * q[n,p] = Σ_t a[n,t]·m²[n,p,t] with a = g·coef[n,t]/area: the student gradient is then
 * 2(S−F)·q. m [N,P,T], stats [N,T,2], g [1] → q [N,P].
 */
export class DistillPixelScaleProgram extends MaskdProgram {
  variableNames: string[];
  shaderKey: string;
  uniforms = 'N : i32, P : i32, T : i32, eps : f32, invNorm : f32,';
  private readonly weighted: boolean;

  constructor(n: number, p: number, t: number, eps: number, invNorm: number, weighted: boolean) {
    super([n, p], ceilDiv(n * p, 64), 64);
    this.weighted = weighted;
    this.variableNames = weighted ? ['M', 'ST', 'G', 'WT'] : ['M', 'ST', 'G'];
    this.shaderKey = `maskdDistillPixScale_${weighted ? 'w' : 'u'}`;
    this.uniformValues = [i32(n), i32(p), i32(t), f32(eps), f32(invNorm)];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let T = uniforms.T;
        if (index >= uniforms.N * uniforms.P) { return; }
        let n = index / uniforms.P;
        var acc = 0.0;
        for (var t = 0; t < T; t++) {
          let nt = n * T + t;
          let m = M[index * T + t];
          acc = acc + m * m ${this.weighted ? '* WT[nt]' : ''} / (ST[2 * nt + 1] + uniforms.eps);
        }
        result[index] = acc * G[0] * uniforms.invNorm;
      }`;
  }
}
