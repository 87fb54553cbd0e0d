import { MaskdProgram, ceilDiv, i32 } from './program';

/** dm[n,p,k] = Σ_j A[n,k,j]·m[n,p,j] − B[n,k]·m[n,p,k]; m [N,P,T], coeffs [N,T,T+1] → [N,P,T]. */
export class DiceGradMasksProgram extends MaskdProgram {
  variableNames = ['M', 'A'];
  shaderKey = 'maskdDiceGradM';
  uniforms = 'N : i32, P : i32, T : i32,';

  constructor(n: number, p: number, t: number) {
    super([n, p, t], ceilDiv(n * p * t, 64), 64);
    this.uniformValues = [i32(n), i32(p), i32(t)];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let T = uniforms.T;
        if (index >= uniforms.N * uniforms.P * T) { return; }
        let row = index / T;
        let k = index - row * T;
        let n = row / uniforms.P;
        let a = (n * T + k) * (T + 1);
        var acc = -A[a + T] * M[index];
        for (var j = 0; j < T; j++) {
          acc = acc + A[a + j] * M[row * T + j];
        }
        result[index] = acc;
      }`;
  }
}
