import { GROUP_SNIPPET, MaskdProgram, ceilDiv, i32 } from './program';
import { channelWidth, tokenBlock, vecType } from './wgsl';

const LANES = 64;

/** Rows per workgroup: a multiple of 64, chosen so that about 64 row slices cover N·P. */
export function rowsPerSlice(rows: number): number {
  return Math.max(LANES, ceilDiv(ceilDiv(rows, 64), LANES) * LANES);
}

/**
 * First pass of dtok[t,c] = Σ_{n,p} dz[n,p,t]·F[n,p,c] with dz = dm·m(1−m).
 * Workgroup = (channel tile of 64 lanes × width, slice of rows, block of ≤16 tokens). Each
 * 64-row step stages dz for the block in workgroup memory (computed once, not per lane), then
 * every lane accumulates its channels for all tokens of the block in registers.
 * Output: partial sums [slices, T, C], reduced by TokensPartialSumProgram.
 */
export class MasksGradTokensPartialProgram extends MaskdProgram {
  variableNames = ['DM', 'M', 'F'];
  variableComponents: number[];
  outputComponent: number;
  shaderKey: string;
  uniforms = 'rows : i32, C : i32, T : i32, slice : i32, slices : i32, cTiles : i32,';
  private readonly width: 1 | 4;
  private readonly tb: number;
  readonly slices: number;

  constructor(rows: number, c: number, t: number, slice: number) {
    const width = channelWidth(c);
    const tb = tokenBlock(t);
    const slices = ceilDiv(rows, slice);
    const cTiles = ceilDiv(c / width, LANES);
    super([slices, t, c], cTiles * slices * ceilDiv(t, tb), LANES);
    this.width = width;
    this.tb = tb;
    this.variableComponents = [1, 1, width];
    this.outputComponent = width;
    this.shaderKey = `maskdMasksGradTokPart_w${width}_tb${tb}`;
    this.slices = slices;
    this.uniformValues = [i32(rows), i32(c), i32(t), i32(slice), i32(slices), i32(cTiles)];
  }

  getUserCode(): string {
    const tb = this.tb;
    const v = vecType(this.width);
    return `
      var<workgroup> dz : array<f32, ${LANES * tb}>;
      fn main(index : i32) {
        ${GROUP_SNIPPET}
        let T = uniforms.T;
        let CV = uniforms.C / ${this.width};
        let blocks = (T + ${tb - 1}) / ${tb};
        let cTiles = uniforms.cTiles;
        let groups = cTiles * uniforms.slices * blocks;
        // Padding groups of a reshaped dispatch still run the loop below (uniform barriers)
        // but write nothing.
        let live = group < groups;
        let g = min(group, groups - 1);
        let tile = g % cTiles;
        let rest = g / cTiles;
        let s = rest % uniforms.slices;
        let t0 = (rest / uniforms.slices) * ${tb};
        let c = tile * ${LANES} + lid;
        let cc = min(c, CV - 1);
        let rowStart = s * uniforms.slice;
        let rowEnd = min(rowStart + uniforms.slice, uniforms.rows);
        var acc : array<${v}, ${tb}>;
        // Trip count from a uniform only: the barriers must stay in uniform control flow.
        for (var off = 0; off < uniforms.slice; off = off + ${LANES}) {
          let r0 = rowStart + off;
          let r = r0 + lid;
          for (var k = 0; k < ${tb}; k++) {
            var z = 0.0;
            if (r < rowEnd && t0 + k < T) {
              let m = M[r * T + t0 + k];
              z = DM[r * T + t0 + k] * m * (1.0 - m);
            }
            dz[lid * ${tb} + k] = z;
          }
          workgroupBarrier();
          let n = min(${LANES}, max(rowEnd - r0, 0));
          for (var j = 0; j < n; j++) {
            let x = F[(r0 + j) * CV + cc];
            for (var k = 0; k < ${tb}; k++) {
              acc[k] = acc[k] + dz[j * ${tb} + k] * x;
            }
          }
          workgroupBarrier();
        }
        if (live && c < CV) {
          for (var k = 0; k < ${tb}; k++) {
            if (t0 + k < T) {
              result[(s * T + t0 + k) * CV + c] = acc[k];
            }
          }
        }
      }`;
  }
}
