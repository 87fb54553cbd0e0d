// Small WGSL text helpers shared by the programs.

/** Vector width for channel loops: 4 when C is a multiple of 4 (vec4 loads), else 1. */
export function channelWidth(c: number): 1 | 4 {
  return c % 4 === 0 ? 4 : 1;
}

/** WGSL type of one channel chunk. */
export function vecType(width: 1 | 4): string {
  return width === 4 ? 'vec4<f32>' : 'f32';
}

/** WGSL: horizontal sum of a channel chunk (`sumv`) and its dot product (`dotv`). */
export function vecHelpers(width: 1 | 4): string {
  const v = vecType(width);
  return width === 4
    ? `fn dotv(a : ${v}, b : ${v}) -> f32 { return dot(a, b); }`
    : `fn dotv(a : ${v}, b : ${v}) -> f32 { return a * b; }`;
}

/** Tokens handled per invocation (a register array), so T > 16 is split into chunks. */
export const TOKEN_BLOCK_MAX = 16;

export function tokenBlock(t: number): number {
  return Math.min(t, TOKEN_BLOCK_MAX);
}

/** 0..n-1, for unrolling loops in generated WGSL. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Generated WGSL unrolls the per-invocation blocks into named scalars: private arrays indexed
 * in loops stayed in memory on SwiftShader and cost about as much as the storage loads saved.
 */
export const unroll = (n: number, line: (i: number) => string, sep = '\n'): string => range(n).map(line).join(sep);
