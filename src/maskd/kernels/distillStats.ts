import { GROUP_SNIPPET, MaskdProgram, i32, pow2Workgroup, treeReduce } from './program';

/**
 * Per (n,t): num = Σ_p m²·D[n,p] and area = Σ_p m. m [N, P, T], D [N, P] → [N, T, 2].
 * One workgroup per (n,t); lanes stride over p, then a tree reduction in workgroup memory.
 */
export class DistillStatsProgram extends MaskdProgram {
  variableNames = ['M', 'D'];
  shaderKey: string;
  uniforms = 'N : i32, P : i32, T : i32,';
  private readonly lanes: number;

  constructor(n: number, p: number, t: number) {
    const lanes = pow2Workgroup(p);
    super([n, t, 2], n * t, lanes);
    this.lanes = lanes;
    this.shaderKey = `maskdDistillStats_l${lanes}`;
    this.uniformValues = [i32(n), i32(p), i32(t)];
  }

  getUserCode(): string {
    const l = this.lanes;
    return `
      var<workgroup> sNum : array<f32, ${l}>;
      var<workgroup> sDen : array<f32, ${l}>;
      fn main(index : i32) {
        ${GROUP_SNIPPET}
        let T = uniforms.T;
        let P = uniforms.P;
        let live = group < uniforms.N * T;
        let nt = min(group, uniforms.N * T - 1);
        let n = nt / T;
        let t = nt - n * T;
        var num = 0.0;
        var den = 0.0;
        for (var p = lid; p < P; p = p + ${l}) {
          let m = M[(n * P + p) * T + t];
          num = num + m * m * D[n * P + p];
          den = den + m;
        }
        sNum[lid] = num;
        sDen[lid] = den;
        ${treeReduce(['sNum', 'sDen'], l)}
        if (live && lid == 0) {
          result[nt * 2] = sNum[0];
          result[nt * 2 + 1] = sDen[0];
        }
      }`;
  }
}
