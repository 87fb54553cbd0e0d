import { MaskdProgram, ceilDiv, f32, i32 } from './program';

/** dw[n,t] = g·invNorm·num/(area + eps); stats [N,T,2], g [1] → [N,T] (invNorm = 1/(N·C)). */
export class DistillGradWeightsProgram extends MaskdProgram {
  variableNames = ['ST', 'G'];
  shaderKey = 'maskdDistillGradW';
  uniforms = 'NT : i32, eps : f32, invNorm : f32,';

  constructor(n: number, t: number, eps: number, invNorm: number) {
    super([n, t], ceilDiv(n * t, 64), 64);
    this.uniformValues = [i32(n * t), f32(eps), f32(invNorm)];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.NT) { return; }
        result[index] = G[0] * uniforms.invNorm * ST[2 * index] / (ST[2 * index + 1] + uniforms.eps);
      }`;
  }
}
