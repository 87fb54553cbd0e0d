// A converted ONNX model: its initialisers as tf.Variables (conv weights HWIO, the rest as the file
// has them), its constants as tensors, and a forward pass over the plan's steps. Feature maps run
// NHWC inside (the graph is converted to channels-last once, at import); the image input is NHWC
// as the playground's images are; outputs come back NHWC (taps) or as ONNX writes them.
import * as tf from '@tensorflow/tfjs';
import { TO_LOGICAL, TO_NHWC } from './convert/context';
import type { ParamRole, Plan } from './convert/plan';
import type { Layout, Step, ValueMeta } from './convert/types';
import { OnnxError } from './errors';
import { type ExternalFiles, readFloats } from './tensorData';

/** ONNX OIHW (and ConvTranspose's [Cin, Cout, kh, kw]) to the stored [kh, kw, ·, ·]; and back. */
const KERNEL_TO_TF = [2, 3, 1, 0];
const KERNEL_TO_ONNX = [3, 2, 0, 1];

/** TF.js variable names are global: each model's get their own prefix. */
let modelCount = 0;

export interface RunOptions {
  /** PyTorch's train mode (BatchNorm on batch statistics, running statistics updated). */
  readonly training?: boolean;
  /** Layout of 4-D results: 'nhwc' (default, the playground's) or 'logical' (NCHW, as ONNX). */
  readonly layout?: 'nhwc' | 'logical';
  /** Replace one value by a function of it (NHWC for 4-D) before the rest of the graph reads it. */
  readonly replace?: { readonly name: string; readonly fn: (value: tf.Tensor) => tf.Tensor };
  /** Values given instead of computed (NHWC for 4-D): the steps before them do not run. */
  readonly feeds?: ReadonlyMap<string, tf.Tensor>;
}

export interface ExportedWeight {
  readonly name: string;
  readonly dims: readonly number[];
  readonly values: Float32Array;
  /**
   * Only for a copy of an initialiser that trained apart from the one written under the file's
   * name: the node inputs that read it, [index in graph.nodes, input index], rewired to `name`.
   */
  readonly readers?: readonly (readonly [number, number])[];
}

export class OnnxGraphModel {
  readonly variables: ReadonlyMap<string, tf.Variable>;
  private readonly roles: ReadonlyMap<string, ParamRole>;
  private readonly constants: ReadonlyMap<string, tf.Tensor>;
  private readonly producers: ReadonlyMap<string, number>;

  constructor(readonly plan: Plan, external: ExternalFiles = new Map()) {
    const variables = new Map<string, tf.Variable>();
    const roles = new Map<string, ParamRole>();
    const prefix = `onnx${++modelCount}`;
    try {
      for (const [name, p] of plan.params) {
        const data = readFloats(p.tensor, external);
        const v = tf.tidy(() => {
          const t = tf.tensor(data, [...p.tensor.dims], 'float32');
          return tf.variable(p.role === 'kernel' ? tf.transpose(t, KERNEL_TO_TF) : t, p.role !== 'statistic', `${prefix}/${variables.size}/${name}`);
        });
        variables.set(name, v);
        roles.set(name, p.role);
      }
    } catch (e) {
      tf.dispose([...variables.values()]);
      throw e;
    }
    const constants = new Map<string, tf.Tensor>();
    for (const s of plan.steps) {
      for (const r of s.reads) {
        const name = s.node.inputs[r.input];
        const c = plan.meta.get(name)?.constant;
        if (c && !constants.has(name)) constants.set(name, tf.tensor(Float32Array.from(c.values), [...c.dims], 'float32'));
      }
    }
    this.variables = variables;
    this.roles = roles;
    this.constants = constants;
    const producers = new Map<string, number>();
    plan.steps.forEach((s, i) => s.node.outputs.forEach((o) => o && producers.set(o, i)));
    this.producers = producers;
  }

  /** Trainable variables (weights, kernels), not BatchNorm's running statistics. */
  trainableVariables(): tf.Variable[] {
    return [...this.variables].filter(([n]) => this.roles.get(n) !== 'statistic').map(([, v]) => v);
  }

  meta(name: string): ValueMeta | undefined {
    return this.plan.meta.get(name);
  }

  /** The steps needed for `fetch`, in order, stopping at fed values. */
  private needed(fetch: readonly string[], fed: ReadonlySet<string>): Step[] {
    const want = new Set<number>();
    const stack = fetch.filter((f) => !fed.has(f)).map((f) => this.producers.get(f)).filter((i): i is number => i !== undefined);
    while (stack.length) {
      const i = stack.pop()!;
      if (want.has(i)) continue;
      want.add(i);
      for (const x of this.plan.steps[i].node.inputs) {
        const p = this.producers.get(x);
        if (p !== undefined && !fed.has(x)) stack.push(p);
      }
    }
    return [...want].sort((a, b) => a - b).map((i) => this.plan.steps[i]);
  }

  /**
   * Runs the graph on NHWC images [N, H, W, C] and returns the `fetch` values (default: the graph's
   * outputs). Call inside tf.tidy (or dispose the results): intermediates are not disposed here.
   */
  run(images: tf.Tensor | null, fetch: readonly string[] = this.plan.outputs, options: RunOptions = {}): tf.Tensor[] {
    const { fixedBatch } = this.plan.input;
    const n = images?.shape[0] ?? [...(options.feeds?.values() ?? [])][0]?.shape[0] ?? 1;
    if (fixedBatch !== null && n !== fixedBatch) {
      // A batch fixed at 1 in the file (export without dynamic_axes): one image at a time, the
      // fed values split with them.
      if (fixedBatch !== 1) throw new OnnxError(`the model's batch is fixed at ${fixedBatch}; got ${n} images`);
      const xs = images ? tf.split(images, n, 0) : null;
      const feeds = [...(options.feeds ?? [])].map(([name, t]) => [name, tf.split(t, n, 0)] as const);
      const parts = Array.from({ length: n }, (_, i) => this.run(xs ? xs[i] : null, fetch, { ...options, ...(options.feeds ? { feeds: new Map(feeds.map(([name, ts]) => [name, ts[i]])) } : {}) }));
      return fetch.map((_, k) => tf.concat(parts.map((p) => p[k]), 0));
    }
    const env = new Map<string, { t: tf.Tensor; layout: Layout }>();
    const other = new Map<string, tf.Tensor>();
    const fed = new Set(options.feeds?.keys() ?? []);
    if (images) env.set(this.plan.input.name, { t: images, layout: 'nhwc' });
    for (const [name, t] of options.feeds ?? []) env.set(name, { t, layout: this.plan.meta.get(name)?.layout ?? 'logical' });
    const get = (name: string, want: string): tf.Tensor => {
      const fixed = this.variables.get(name) ?? this.constants.get(name);
      if (fixed) {
        if (want === 'kernel' && this.roles.get(name) !== 'kernel') return tf.transpose(fixed, KERNEL_TO_TF);
        // A 4-D weight or constant operand ([1, C, 1, 1]) of an op on NHWC feature maps.
        return want === 'nhwc' && fixed.rank === 4 ? tf.transpose(fixed, TO_NHWC) : fixed;
      }
      const e = env.get(name);
      if (!e) throw new OnnxError(`value "${name}" is needed but was not computed (is the tap a cut of the graph?)`);
      if (want === 'kernel') return tf.transpose(e.layout === 'nhwc' && e.t.rank === 4 ? tf.transpose(e.t, TO_LOGICAL) : e.t, KERNEL_TO_TF);
      if (want === 'any' || e.t.rank !== 4 || want === e.layout) return e.t;
      const cached = other.get(name);
      if (cached) return cached;
      const t = tf.transpose(e.t, want === 'nhwc' ? TO_NHWC : TO_LOGICAL);
      other.set(name, t);
      return t;
    };
    const ctx = { training: options.training ?? false, batch: n };
    for (const step of this.needed(fetch, fed)) {
      const outs = step.run!(step.reads.map((r) => get(step.node.inputs[r.input], r.want)), ctx);
      step.node.outputs.forEach((o, k) => {
        if (!o || !outs[k]) return;
        let t = outs[k];
        if (options.replace?.name === o) t = options.replace.fn(t);
        env.set(o, { t, layout: step.outputs[k].layout });
      });
    }
    const layout = options.layout ?? 'nhwc';
    return fetch.map((f) => get(f, layout === 'nhwc' ? 'nhwc' : 'logical'));
  }

  /** The weights as ONNX writes them (OIHW kernels), for the writer. */
  async exportWeights(): Promise<ExportedWeight[]> {
    const out: ExportedWeight[] = [];
    for (const [name, v] of this.variables) {
      const t = this.roles.get(name) === 'kernel' ? tf.transpose(v, KERNEL_TO_ONNX) : v;
      const values = (await t.data()) as Float32Array;
      if (t !== v) t.dispose();
      out.push({ name, dims: this.plan.params.get(name)!.tensor.dims, values: Float32Array.from(values) });
    }
    return out;
  }

  dispose(): void {
    tf.dispose([...this.variables.values(), ...this.constants.values()]);
  }
}
