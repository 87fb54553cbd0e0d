import { MaskdProgram, ceilDiv, i32 } from './program';
import { channelWidth, vecType } from './wgsl';

/** out[t,c] = Σ_s part[s,t,c]; part [S, T, C] → [T, C]. One invocation per (t, 4 channels). */
export class TokensPartialSumProgram extends MaskdProgram {
  variableNames = ['P'];
  variableComponents: number[];
  outputComponent: number;
  shaderKey: string;
  uniforms = 'slices : i32, TC : i32,';
  private readonly width: 1 | 4;

  constructor(slices: number, t: number, c: number) {
    const width = channelWidth(c);
    super([t, c], ceilDiv((t * c) / width, 64), 64);
    this.width = width;
    this.variableComponents = [width];
    this.outputComponent = width;
    this.shaderKey = `maskdTokPartSum_w${width}`;
    this.uniformValues = [i32(slices), i32(t * c)];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let TCV = uniforms.TC / ${this.width};
        if (index >= TCV) { return; }
        var acc = ${vecType(this.width)}(0.0);
        for (var s = 0; s < uniforms.slices; s++) {
          acc = acc + P[s * TCV + index];
        }
        result[index] = acc;
      }`;
  }
}
