import { MaskdProgram, ceilDiv, f32, i32 } from './program';

/**
 * Coefficients of the Dice gradient, [N, T, T+1] from G [N,T,T] and g [1]:
 * columns j < T: A[n,k,j] = 4g·invPairs/den_kj (0 on the diagonal), den_kj = G_kk + G_jj + 2ε;
 * column T: B[n,k] = 8g·invPairs·Σ_{j≠k} G_kj/den_kj². Then dm[n,p,k] = Σ_j A m_j − B m_k.
 */
export class DiceGradCoeffsProgram extends MaskdProgram {
  variableNames = ['G', 'DY'];
  shaderKey = 'maskdDiceGradCoef';
  uniforms = 'N : i32, T : i32, diceEps : f32, invPairs : f32,';

  constructor(n: number, t: number, diceEps: number, invPairs: number) {
    super([n, t, t + 1], ceilDiv(n * t * (t + 1), 64), 64);
    this.uniformValues = [i32(n), i32(t), f32(diceEps), f32(invPairs)];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let T = uniforms.T;
        if (index >= uniforms.N * T * (T + 1)) { return; }
        let n = index / (T * (T + 1));
        let kj = index - n * T * (T + 1);
        let k = kj / (T + 1);
        let j = kj - k * (T + 1);
        let b = n * T * T;
        let s = DY[0] * uniforms.invPairs;
        let gkk = G[b + k * T + k];
        if (j < T) {
          var a = 0.0;
          if (j != k) {
            a = 4.0 * s / (gkk + G[b + j * T + j] + 2.0 * uniforms.diceEps);
          }
          result[index] = a;
        } else {
          var acc = 0.0;
          for (var i = 0; i < T; i++) {
            if (i != k) {
              let den = gkk + G[b + i * T + i] + 2.0 * uniforms.diceEps;
              acc = acc + G[b + k * T + i] / (den * den);
            }
          }
          result[index] = 8.0 * s * acc;
        }
      }`;
  }
}
