import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
// Type-only: importing the package for values would register the webgpu backend in Node tests.
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

export type Vec3 = [number, number, number];

/** Custom uniform values, in the order the program's `uniforms` string declares them. */
export type UniformValues = Array<{ type: 'int32' | 'float32'; data: number[] }>;

/** SwiftShader (and the WebGPU default) allow 256 invocations per workgroup. */
export const MAX_WORKGROUP = 256;

/**
 * Base of every MasKD program. The dispatch is 1-D over `groups` workgroups of `workgroupSize`
 * invocations; the backend reshapes it to 2-D/3-D past 65535 groups, so the WGSL always
 * recovers indices through `GROUP_SNIPPET` (never globalId.x directly) and guards against the
 * padding groups that a reshape adds.
 * A program object is single-use: runWebGPUProgram appends to `shaderKey`.
 */
export abstract class MaskdProgram implements WebGPUProgram {
  abstract variableNames: string[];
  abstract shaderKey: string;
  abstract getUserCode(): string;
  outputShape: number[];
  dispatchLayout: { x: number[] };
  dispatch: Vec3;
  workgroupSize: Vec3;
  size = true;
  uniforms?: string;
  outputComponent?: number;
  variableComponents?: number[];
  /** Values of `uniforms`, in declaration order. */
  uniformValues: UniformValues = [];

  constructor(outputShape: number[], groups: number, workgroupSize: number) {
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.workgroupSize = [workgroupSize, 1, 1];
    this.dispatch = [Math.max(1, groups), 1, 1];
  }
}

/**
 * WGSL: `group` (flat workgroup index) and `lid` (local index) as i32. Put it at the top of
 * main; both are uniform per workgroup / well defined after a dispatch reshape.
 */
export const GROUP_SNIPPET = `
  let group = i32((workgroupId.z * numWorkgroups.y + workgroupId.y) * numWorkgroups.x + workgroupId.x);
  let lid = i32(localIndex);`;

/**
 * WGSL tree reduction of `name` (array<f32, size> in var<workgroup>) into name[0]. Every
 * invocation of the workgroup must reach it (barriers in uniform control flow).
 */
export function treeReduce(names: string[], size: number): string {
  const adds = names.map((n) => `${n}[lid] = ${n}[lid] + ${n}[lid + stride];`).join('\n        ');
  return `
    workgroupBarrier();
    for (var stride = ${size / 2}; stride > 0; stride = stride / 2) {
      if (lid < stride) {
        ${adds}
      }
      workgroupBarrier();
    }`;
}

export const i32 = (v: number): UniformValues[number] => ({ type: 'int32', data: [v] });
export const f32 = (v: number): UniformValues[number] => ({ type: 'float32', data: [v] });

/** Runs a program on the active webgpu backend and returns an engine-tracked tensor. */
export function runProgram<T extends Tensor>(program: MaskdProgram, inputs: Tensor[]): T {
  const backend = tf.backend() as WebGPUBackend;
  const info = backend.runWebGPUProgram(program, inputs, 'float32', program.uniformValues);
  return tf.engine().makeTensorFromTensorInfo(info) as T;
}

export const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** Largest power of two ≤ min(n, MAX_WORKGROUP), at least `min`. */
export function pow2Workgroup(n: number, min = 32): number {
  let s = min;
  while (s * 2 <= Math.min(n, MAX_WORKGROUP)) s *= 2;
  return s;
}
