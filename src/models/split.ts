// Splits a LayersModel at a tap layer into backbone (inputs → tap) and head (tap → outputs) that
// share the original layers (hence weights). The head is rebuilt by re-applying every layer after
// the tap to a fresh input, walking the graph from the outputs back to the tap.
import * as tf from '@tensorflow/tfjs';

export interface SplitModel {
  readonly backbone: tf.LayersModel;
  readonly head: tf.LayersModel;
  /** Tap feature shape without the batch dimension, e.g. [16, 16, 64]. */
  readonly tapShape: readonly number[];
}

type Sym = tf.SymbolicTensor;

export function splitAtLayer(model: tf.LayersModel, tapName: string): SplitModel {
  const names = model.layers.map((l) => l.name);
  if (!names.includes(tapName)) {
    throw new Error(`splitAtLayer: model "${model.name}" has no layer "${tapName}" (layers: ${names.join(', ')})`);
  }
  const tapLayer = model.getLayer(tapName);
  // A layer may also sit in other graphs (e.g. an earlier split); keep this model's node only.
  const tapNodes = tapLayer.inboundNodes.filter((_, i) => model.containerNodes.has(`${tapName}_ib-${i}`));
  if (tapNodes.length !== 1 || tapNodes[0].outputTensors.length !== 1) {
    throw new Error(`splitAtLayer: tap "${tapName}" must be used exactly once in the model, with one output`);
  }
  const tap = tapNodes[0].outputTensors[0];
  if (tap.shape.length !== 4) {
    throw new Error(`splitAtLayer: tap "${tapName}" must output a 4-D feature [N,H,W,C]; its shape is [${tap.shape.join(',')}]`);
  }
  const tapShape = tap.shape.slice(1);
  if (tapShape.some((d) => d === null)) {
    throw new Error(`splitAtLayer: tap "${tapName}" needs a static shape, got [${tap.shape.join(',')}]`);
  }
  if (model.outputs.includes(tap)) throw new Error(`splitAtLayer: tap "${tapName}" is itself a model output; the head would be empty`);

  // Which symbolic tensors are computed from the tap (memoised on tensor id).
  const fromTap = new Map<number, boolean>();
  const dependsOnTap = (t: Sym): boolean => {
    if (t.id === tap.id) return true;
    const cached = fromTap.get(t.id);
    if (cached !== undefined) return cached;
    const r = t.inputs.some(dependsOnTap);
    fromTap.set(t.id, r);
    return r;
  };

  const headInput = tf.input({ shape: tapShape as number[], name: `${tapName}_in` });
  const rebuilt = new Map<number, Sym>([[tap.id, headInput]]);
  const rebuild = (t: Sym): Sym => {
    const done = rebuilt.get(t.id);
    if (done) return done;
    const layer = t.sourceLayer;
    for (const inp of t.inputs) {
      if (!dependsOnTap(inp)) {
        throw new Error(
          `splitAtLayer: the head reads "${inp.sourceLayer.name}" through layer "${layer.name}", which does not come ` +
            `from the tap "${tapName}" (a skip connection around the tap?). The head must depend on the tap alone.`,
        );
      }
    }
    const args = t.inputs.map(rebuild);
    const out = layer.apply(args.length === 1 ? args[0] : args, t.callArgs) as Sym | Sym[];
    // All outputs of one call share the call's inputs; record them all so the layer runs once.
    const outs = Array.isArray(out) ? out : [out];
    const node = layer.inboundNodes[t.nodeIndex];
    node.outputTensors.forEach((orig, i) => rebuilt.set(orig.id, outs[i]));
    const mine = rebuilt.get(t.id);
    if (!mine) throw new Error(`splitAtLayer: could not rebuild the output of "${layer.name}"`);
    return mine;
  };

  const headOutputs = model.outputs.map((o) => {
    if (!dependsOnTap(o)) {
      throw new Error(`splitAtLayer: model output "${o.sourceLayer.name}" does not depend on the tap "${tapName}"`);
    }
    return rebuild(o);
  });
  const backbone = tf.model({ inputs: model.inputs, outputs: tap, name: `${model.name}_backbone` });
  const head = tf.model({
    inputs: headInput,
    outputs: headOutputs.length === 1 ? headOutputs[0] : headOutputs,
    name: `${model.name}_head`,
  });
  return { backbone, head, tapShape: tapShape as number[] };
}
