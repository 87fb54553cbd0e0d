// The walk over a layers-model topology: a Sequential's layers in order, a functional model's
// layer calls in dependency order (any order in the file; cycles and dangling references are
// refused), nested models one level deeper. Each call is sized by its class's rule (layerRules.ts).
// A nested model is sized once per input shape and reused for its other calls, so a model called
// N times at each of L levels costs L sizings, not N^L; the layer calls sized in all are bounded
// (LIMITS.modelSizingSteps), so calls with a new shape each time cannot multiply either.
import { LIMITS, limitText } from '../../limits';
import { groupDigits } from '../../messageNumbers';
import { quote } from '../../messageQuote';
import { EstimateError, fail, get, isRecord, shapeOf, type Config, type Shape } from './configValues';
import type { LayerResult } from './layerRule';
import { ruleFor } from './layerRules';
import { elements } from './shapeMath';

export interface ModelResult {
  readonly outputs: Shape[];
  readonly params: number;
  readonly activations: number;
  readonly layers: number;
  readonly inputs: Shape[];
}

interface LayerSpec {
  readonly name: string;
  readonly className: string;
  readonly config: Config;
  readonly inbound: unknown;
}

function layerSpec(v: unknown, i: number): LayerSpec {
  if (!isRecord(v) || typeof v.class_name !== 'string' || !isRecord(v.config)) return fail(`layer ${i} is not {class_name, config}`);
  const name = typeof v.name === 'string' ? v.name : typeof v.config.name === 'string' ? v.config.name : `layer ${i}`;
  return { name, className: v.class_name, config: v.config, inbound: v.inbound_nodes };
}

const MAX_DEPTH = 16;
const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** Every output dimension open or a positive integer, parameters a non-negative integer: else the layer's config is not one tfjs could build. */
function checkResult(r: LayerResult): LayerResult {
  for (const s of r.outputs) {
    for (const d of s) if (d !== null && !(Number.isSafeInteger(d) && d >= 1)) fail(`its output shape [${s.map((x) => x ?? '?').join(',')}] is not a shape`);
  }
  if (!(Number.isFinite(r.params) && r.params >= 0) || !(Number.isFinite(r.inner) && r.inner >= 0)) fail('its size is not a number');
  return r;
}

/** A layer's result checked, and its errors prefixed with the layer's name. */
function counted(name: string, className: string, fn: () => LayerResult): LayerResult {
  try {
    return checkResult(fn());
  } catch (err) {
    if (err instanceof EstimateError && !err.message.startsWith('layer "')) throw new EstimateError(`layer "${name.slice(0, 80)}" (${className.slice(0, 40)}): ${err.message}`);
    throw err;
  }
}

/** [layer name, node index, tensor index] of an inbound reference (tfjs writes arrays; Keras 3 dicts are not read by tfjs). */
function inboundRef(v: unknown): [string, number, number] {
  if (!Array.isArray(v) || typeof v[0] !== 'string') return fail('an inbound node reference is not [layer, node, tensor]');
  const node = v[1] === undefined ? 0 : v[1];
  const tensor = v[2] === undefined ? 0 : v[2];
  if (typeof node !== 'number' || !Number.isSafeInteger(node) || node < 0 || typeof tensor !== 'number' || !Number.isSafeInteger(tensor) || tensor < 0) {
    return fail('an inbound node reference has an invalid node or tensor index');
  }
  return [v[0], node, tensor];
}

const activationsOf = (r: LayerResult) => r.inner + r.outputs.reduce((a, s) => a + elements(s), 0);

function checkLayerCount(n: number): void {
  if (n > LIMITS.modelLayers.value) fail(`it has ${groupDigits(n)} layers, over ${limitText('modelLayers')} on ${LIMITS.modelLayers.what}`);
}

/** One sizing of one topology; it remembers each nested model's result per input shape. */
class TopologyWalk {
  private readonly sizedModels = new WeakMap<object, Map<string, ModelResult>>();
  /** Layer calls sized so far: the estimate's whole work, bounded (nested calls with new shapes each time included). */
  private steps = 0;

  model(className: string, cfg: unknown, outer: readonly Shape[], depth: number): ModelResult {
    if (depth > MAX_DEPTH) fail(`models are nested more than ${MAX_DEPTH} deep`);
    if (typeof cfg !== 'object' || cfg === null) return this.modelOnce(className, cfg, outer, depth);
    const byInputs = this.sizedModels.get(cfg) ?? new Map<string, ModelResult>();
    this.sizedModels.set(cfg, byInputs);
    const key = `${depth} ${JSON.stringify(outer)}`;
    const known = byInputs.get(key);
    if (known) return known;
    const r = this.modelOnce(className, cfg, outer, depth);
    byInputs.set(key, r);
    return r;
  }

  private modelOnce(className: string, cfg: unknown, outer: readonly Shape[], depth: number): ModelResult {
    if (className === 'Sequential') return this.sequential(cfg, outer, depth);
    if (!isRecord(cfg)) return fail(`a ${className} model needs a config`);
    return this.functional(cfg, outer, depth);
  }

  /** Output shapes and parameters of one call of a layer on `inputs`. */
  private layer(className: string, cfg: Config, inputs: readonly Shape[], depth: number): LayerResult {
    if (++this.steps > LIMITS.modelSizingSteps.value) {
      fail(`sizing it visits more than ${limitText('modelSizingSteps')} on ${LIMITS.modelSizingSteps.what}`);
    }
    return ruleFor(className)(cfg, {
      className,
      inputs,
      x: () => inputs[0] ?? fail('it has no input'),
      layer: (innerClass, innerCfg, innerInputs) => this.layer(innerClass, innerCfg, innerInputs, depth),
      model: (modelClass, modelCfg, modelInputs) => {
        const r = this.model(modelClass, modelCfg, modelInputs, depth + 1);
        return { outputs: r.outputs, params: r.params, inner: r.activations, layers: r.layers };
      },
    });
  }

  private sequential(cfg: unknown, outer: readonly Shape[], depth: number): ModelResult {
    const layers = Array.isArray(cfg) ? cfg : isRecord(cfg) ? get(cfg, 'layers') : undefined;
    if (!Array.isArray(layers)) return fail('a Sequential model needs a list of layers');
    checkLayerCount(layers.length);
    let shapes: Shape[] | null = outer.length ? [...outer] : null;
    let inputs: Shape[] = shapes ?? [];
    let params = 0;
    let activations = 0;
    let count = 0;
    layers.forEach((raw, i) => {
      const spec = layerSpec(raw, i);
      let current = shapes;
      if (i === 0 && spec.className !== 'InputLayer') {
        const declared = get(spec.config, 'batch_input_shape') ?? get(spec.config, 'batch_shape');
        const input = get(spec.config, 'input_shape');
        if (declared !== undefined) current = [shapeOf(declared, 'batch_input_shape').slice(1)];
        else if (input !== undefined) current = [shapeOf(input, 'input_shape')];
        if (!current) fail(`the first layer ${quote(spec.name)} declares no input shape (batch_input_shape)`);
        inputs = current as Shape[];
      }
      const r = counted(spec.name, spec.className, () => this.layer(spec.className, spec.config, current ?? [], depth));
      if (i === 0 && spec.className === 'InputLayer') inputs = r.outputs;
      params += r.params;
      activations += activationsOf(r);
      count += r.layers;
      shapes = r.outputs;
    });
    return { outputs: shapes ?? [], params, activations, layers: count, inputs };
  }

  private functional(cfg: Config, outer: readonly Shape[], depth: number): ModelResult {
    const raw = get(cfg, 'layers');
    if (!Array.isArray(raw)) return fail('a functional model needs a list of layers');
    checkLayerCount(raw.length);
    const specs = raw.map(layerSpec);
    const byName = new Map<string, LayerSpec>();
    for (const s of specs) {
      if (byName.has(s.name)) fail(`two layers are named "${s.name.slice(0, 80)}"`);
      byName.set(s.name, s);
    }
    const inputNames = (get(cfg, 'input_layers') as unknown[] | undefined) ?? [];
    if (!Array.isArray(inputNames)) fail('input_layers must be a list');
    // Node outputs by "layer\u0000node"; calls are resolved in passes until none is left (any order).
    const outputs = new Map<string, Shape[]>();
    const key = (layer: string, node: number) => `${layer}\u0000${node}`;
    const inputRefs = (inputNames as unknown[]).map(inboundRef);
    inputRefs.forEach(([name], i) => {
      const spec = byName.get(name) ?? fail(`input layer "${name.slice(0, 80)}" is not among the layers`);
      if (spec.className !== 'InputLayer') return;
      outputs.set(key(name, 0), counted(name, spec.className, () => this.layer('InputLayer', spec.config, outer[i] ? [outer[i]] : [], depth)).outputs);
    });
    interface Call {
      readonly spec: LayerSpec;
      readonly node: number;
      readonly refs: [string, number, number][];
    }
    const pending: Call[] = [];
    let totalCalls = 0;
    for (const spec of specs) {
      if (spec.className === 'InputLayer') {
        if (!outputs.has(key(spec.name, 0))) outputs.set(key(spec.name, 0), counted(spec.name, spec.className, () => this.layer('InputLayer', spec.config, [], depth)).outputs);
        continue;
      }
      const nodes = spec.inbound ?? [];
      if (!Array.isArray(nodes)) fail(`layer "${spec.name.slice(0, 80)}" has invalid inbound_nodes`);
      totalCalls += (nodes as unknown[]).length;
      if (totalCalls > LIMITS.modelLayers.value * 4) fail(`it calls its layers more than ${groupDigits(LIMITS.modelLayers.value * 4)} times`);
      (nodes as unknown[]).forEach((n, node) => {
        if (!Array.isArray(n)) fail(`layer "${spec.name.slice(0, 80)}" has an invalid inbound node`);
        pending.push({ spec, node, refs: (n as unknown[]).map(inboundRef) });
      });
    }
    let params = 0;
    let activations = 0;
    let count = specs.filter((s) => s.className === 'InputLayer').length;
    const sized = new Set<string>();
    let queue = pending;
    while (queue.length) {
      const next: Call[] = [];
      for (const call of queue) {
        const ins: Shape[] = [];
        let ready = true;
        for (const [layer, node, tensor] of call.refs) {
          const out = outputs.get(key(layer, node));
          if (!out) {
            ready = false;
            break;
          }
          ins.push(out[tensor] ?? fail(`layer "${call.spec.name.slice(0, 80)}" reads output ${tensor} of "${layer.slice(0, 80)}", which has ${out.length}`));
        }
        if (!ready) {
          next.push(call);
          continue;
        }
        const r = counted(call.spec.name, call.spec.className, () => this.layer(call.spec.className, call.spec.config, ins, depth));
        if (MODEL_CLASSES.has(call.spec.className)) {
          // A nested model already has the inbound node of its own construction when tfjs rebuilds it,
          // so the outer calls are its nodes 1, 2, …
          outputs.set(key(call.spec.name, call.node + 1), r.outputs);
          if (!outputs.has(key(call.spec.name, call.node))) outputs.set(key(call.spec.name, call.node), r.outputs);
        } else outputs.set(key(call.spec.name, call.node), r.outputs);
        activations += activationsOf(r);
        // A layer called several times (shared weights) holds its weights once.
        if (!sized.has(call.spec.name)) {
          sized.add(call.spec.name);
          params += r.params;
          count += r.layers;
        }
      }
      if (next.length === queue.length) {
        const stuck = next[0];
        const missing = stuck.refs.find(([l, n]) => !outputs.has(key(l, n)));
        return fail(`layer "${stuck.spec.name.slice(0, 80)}" reads "${missing?.[0].slice(0, 80)}", which is missing or part of a cycle`);
      }
      queue = next;
    }
    const outputRefs = (get(cfg, 'output_layers') as unknown[] | undefined) ?? [];
    if (!Array.isArray(outputRefs)) fail('output_layers must be a list');
    const outs = (outputRefs as unknown[]).map(inboundRef).map(([l, n, t]) => {
      const o = outputs.get(key(l, n)) ?? fail(`output layer "${l.slice(0, 80)}" is not among the layers`);
      return o[t] ?? fail(`output layer "${l.slice(0, 80)}" has no output ${t}`);
    });
    const inputs = inputRefs.map(([l, n, t]) => outputs.get(key(l, n))?.[t] ?? []);
    return { outputs: outs, params, activations, layers: count, inputs };
  }
}

/** Sizes a model.json's modelTopology (throws EstimateError where it cannot). */
export function sizeTopology(topology: unknown): ModelResult {
  if (!isRecord(topology)) return fail('modelTopology is not an object');
  const root = isRecord(topology.model_config) ? topology.model_config : topology;
  if (typeof root.class_name !== 'string') return fail('modelTopology has no class_name');
  if (!MODEL_CLASSES.has(root.class_name)) return fail(`the top-level class ${JSON.stringify(root.class_name).slice(0, 40)} is not a model`);
  return new TopologyWalk().model(root.class_name, root.config, [], 0);
}
