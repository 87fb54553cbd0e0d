import { GROUP_SNIPPET, MaskdProgram, ceilDiv, i32 } from './program';
import { channelWidth, tokenBlock, unroll, vecType } from './wgsl';

const LANES = 64;

/** Rows per workgroup: a multiple of 64, chosen so that about 64 row slices cover N·P. */
export function rowsPerSlice(rows: number): number {
  return Math.max(LANES, ceilDiv(ceilDiv(rows, 64), LANES) * LANES);
}

/**
 * First pass of dtok[t,c] = Σ_{n,p} dz[n,p,t]·F[n,p,c].
 * Workgroup = (channel tile of 64 lanes × width, slice of rows, block of ≤16 tokens). Each
 * 64-row step stages dz for the block in workgroup memory, then every lane accumulates its
 * channels for all tokens of the block in registers.
 * Output: partial sums [slices, T, C], reduced by TokensPartialSumProgram.
 */
export class MasksGradTokensPartialProgram extends MaskdProgram {
  variableNames = ['DZ', 'F'];
  shaderKey: string;
  uniforms = 'rows : i32, C : i32, T : i32, slice : i32, slices : i32, cTiles : i32,';
  readonly slices: number;
  private readonly width: 1 | 4;
  private readonly tb: number;

  constructor(rows: number, c: number, t: number, slice: number) {
    const width = channelWidth(c);
    const tb = tokenBlock(t);
    const slices = ceilDiv(rows, slice);
    const cTiles = ceilDiv(c / width, LANES);
    super([slices, t, c], cTiles * slices * ceilDiv(t, tb), LANES);
    this.width = width;
    this.tb = tb;
    this.slices = slices;
    this.variableComponents = [1, width];
    this.outputComponent = width;
    this.shaderKey = `maskdMasksGradTokPart_w${width}_tb${tb}`;
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
        // Padding groups of a reshaped dispatch run the loop (uniform barriers), write nothing.
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
        ${unroll(tb, (k) => `var a${k} = ${v}(0.0);`)}
        // Trip count from a uniform only: the barriers must stay in uniform control flow.
        for (var off = 0; off < uniforms.slice; off = off + ${LANES}) {
          let r0 = rowStart + off;
          let r = r0 + lid;
          ${unroll(tb, (k) => `dz[lid * ${tb} + ${k}] = select(0.0, DZ[min(r, uniforms.rows - 1) * T + min(t0 + ${k}, T - 1)], r < rowEnd && t0 + ${k} < T);`)}
          workgroupBarrier();
          let n = min(${LANES}, max(rowEnd - r0, 0));
          for (var j = 0; j < n; j++) {
            let x = F[(r0 + j) * CV + cc];
            ${unroll(tb, (k) => `a${k} = a${k} + dz[j * ${tb} + ${k}] * x;`)}
          }
          workgroupBarrier();
        }
        if (live && c < CV) {
          ${unroll(tb, (k) => `if (t0 + ${k} < T) { result[(s * T + t0 + ${k}) * CV + c] = a${k}; }`)}
        }
      }`;
  }
}
