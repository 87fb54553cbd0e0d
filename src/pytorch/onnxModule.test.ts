// Models that came in as ONNX, back to PyTorch: the module generated from each fixture's graph
// (LR-ASPP-MobileNetV3, FCN-ResNet-18, U-Net, the op zoo; opsets 11, 13, 17) with the state dict
// read from the page's layers model. Untouched, it gives PyTorch's own outputs (the fixtures'
// .expected.npy); after the weights and statistics are changed in TF.js, it gives the TF.js
// model's outputs (eval, and one train-mode step: outputs and running statistics), and the
// fixture's own PyTorch class loads the state dict with strict=True and gives the same outputs.
// All to 1e-5 relative.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { disposeModel } from '../models/disposeModel';
import { planConversion, type Plan } from '../onnx/convert/plan';
import { decodeOnnx } from '../onnx/decode';
import { OnnxNodeLayer, onnxLayersModel } from '../onnx/layersModel';
import { listTaps } from '../onnx/taps';
import { readFloats } from '../onnx/tensorData';
import { fixture, npy, tinyModel } from '../onnx/testkit';
import { writeSafetensors, type SafetensorsTensor } from '../share/safetensors';
import { onnxModuleFiles } from './onnxModuleFiles';
import { onnxStateDict } from './onnxStateDict';
import { onnxModuleTensors } from './onnxTensors';
import { noteWhenNoTorch, torchPython } from './torchPython.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('onnxModule.test.ts');

const script = fileURLToPath(new URL('../../scripts/check-onnx-module.py', import.meta.url));
const FIXTURES = [['lraspp_mnv3', 1], ['fcn_resnet18', 1], ['unet', 1], ['opzoo', 2]] as const;

const planOf = (file: string): Plan => planConversion(decodeOnnx(fixture(file), file));

/** Every initialiser the layers hold, moved: ×(1 + 0.3u) + 0.05u' (u, u' uniform in [−1, 1)), seeded. */
function perturb(model: tf.LayersModel, seed: number): void {
  let k = 0;
  for (const layer of model.layers) {
    if (!(layer instanceof OnnxNodeLayer)) continue;
    layer.weights.forEach((w, i) => {
      if (layer.initialisers[i] === null) return;
      const v = w.read();
      const next = tf.tidy(() => tf.add(tf.mul(v, tf.add(1, tf.mul(0.3, tf.randomUniform(v.shape, -1, 1, 'float32', seed + k)))), tf.mul(0.05, tf.randomUniform(v.shape, -1, 1, 'float32', seed + k + 1))));
      k += 2;
      w.write(next);
      next.dispose();
    });
  }
}

const f32 = (t: tf.Tensor): SafetensorsTensor => ({ dtype: 'F32', shape: t.shape, data: Float32Array.from(t.dataSync() as Float32Array) });
/** Output k of the layers model as ONNX writes it (a 4-D value the plan keeps channels-last leaves it NHWC). */
const asOnnx = (plan: Plan, k: number, t: tf.Tensor) => (t.rank === 4 && plan.meta.get(plan.outputs[k])!.layout === 'nhwc' ? tf.transpose(t, [0, 3, 1, 2]) : t);

async function writeCase(dir: string, files: Readonly<Record<string, string | Uint8Array>>, base: string, tensors: Record<string, SafetensorsTensor>, spec: object): Promise<string> {
  writeFileSync(join(dir, 'model.py'), files[`${base}.py`]);
  writeFileSync(join(dir, 'state.safetensors'), files[`${base}.safetensors`]);
  writeFileSync(join(dir, 'case.safetensors'), writeSafetensors(tensors));
  writeFileSync(join(dir, 'case.json'), JSON.stringify(spec));
  return dir;
}

interface Result {
  dir: string;
  error?: string;
  rel?: number;
  trainRel?: number;
  statsRel?: number;
  missing?: string[];
  unexpected?: string[];
  originalRel?: number;
  originalVsPageRel?: number;
  keptRel?: number;
}

describe('the state dict of an ONNX-born model', () => {
  it('holds the layers\' trained values in ONNX layouts under the initialiser names (U-Net, opset 13)', async () => {
    const plan = planOf('unet-op13.onnx');
    const { model } = onnxLayersModel(plan);
    perturb(model, 11);
    const { state, notModulePaths } = onnxStateDict(model, plan);
    expect(notModulePaths).toEqual([]);
    // d2.0.weight is OIHW [16, 8, 3, 3] in the file, HWIO [3, 3, 8, 16] in its layer.
    const layer = model.layers.find((l) => l instanceof OnnxNodeLayer && l.initialisers.includes('d2.0.weight')) as OnnxNodeLayer;
    const hwio = layer.weights[layer.initialisers.indexOf('d2.0.weight')].read().dataSync();
    const at = (o: number, i: number, h: number, w: number) => (state['d2.0.weight'].data as Float32Array)[((o * 8 + i) * 3 + h) * 3 + w];
    expect(state['d2.0.weight'].shape).toEqual([16, 8, 3, 3]);
    expect(at(5, 2, 1, 0)).toBe(hwio[((1 * 3 + 0) * 8 + 2) * 16 + 5]);
    expect(at(15, 7, 2, 2)).toBe(hwio[((2 * 3 + 2) * 8 + 7) * 16 + 15]);
    // Changed in TF.js, so not the file's value; BatchNorm's count is PyTorch's, not the file's.
    const file = readFloats(plan.params.get('d2.0.weight')!.tensor);
    expect(at(5, 2, 1, 0)).not.toBe(file[((5 * 8 + 2) * 3 + 1) * 3 + 0]);
    expect(state['d1.1.num_batches_tracked']).toEqual({ dtype: 'I64', shape: [], data: new BigInt64Array(1) });
    expect(Object.keys(state).length).toBe(plan.params.size + 10);
    disposeModel(model);
  });

  it('names torch.onnx.export\'s own tensors (folded BatchNorm, a folded reshape) as not module paths', async () => {
    for (const [file, expected] of [['opzoo-op11.onnx', ['onnx::PRelu_244', 'onnx::Add_247']], ['lraspp_mnv3-op13.onnx', 70]] as const) {
      const plan = planOf(file);
      const { model } = onnxLayersModel(plan);
      const { notModulePaths } = onnxStateDict(model, plan);
      if (typeof expected === 'number') {
        expect(notModulePaths.length).toBe(expected);
        expect(notModulePaths.every((n) => n.startsWith('onnx::Conv_'))).toBe(true);
      } else expect(notModulePaths).toEqual(expected);
      disposeModel(model);
    }
  });
  it('gives parameters torch.onnx.export merged (equal zero biases, read through Identity nodes) their own names and trained copies (LR-ASPP)', async () => {
    const plan = planOf('lraspp_mnv3-op11.onnx');
    const { model, shared } = onnxLayersModel(plan);
    expect(shared.length).toBe(6);
    perturb(model, 5);
    const { state } = onnxStateDict(model, plan);
    const merged = plan.model.graph.nodes.filter((n) => n.opType === 'Identity' && plan.params.has(n.inputs[0]));
    expect(merged.length).toBe(10);
    const copyOf = (node: (typeof merged)[number]) => {
      const layer = model.layers.find((l) => l instanceof OnnxNodeLayer && l.onnxNode === node) as OnnxNodeLayer;
      return layer.weights[0].read().dataSync();
    };
    for (const node of merged) {
      // Keyed by the Identity's output (the merged parameter's own name), holding that node's copy, which trained apart from the survivor's.
      expect(state[node.outputs[0]].data).toEqual(copyOf(node));
      expect(state[node.outputs[0]].data).not.toEqual(state[node.inputs[0]].data);
    }
    expect(state['net.backbone.1.block.1.fc1.bias']).toBeDefined();
    disposeModel(model);
  });
  it('keeps BatchNorm statistics the export merged with its scale and shift (a fresh BatchNorm\'s 1s and 0s) as buffers', () => {
    // What torch.onnx.export (1.13, PRESERVE) writes for an untrained Conv → BatchNorm: the
    // statistics equal the scale (1s) and shift (0s), so they are read through Identity nodes.
    const plan = planConversion(decodeOnnx(tinyModel({
      input: ['N', 3, 6, 6],
      nodes: [
        { op: 'Identity', inputs: ['b1.weight'], outputs: ['b1.running_var'] },
        { op: 'Identity', inputs: ['b1.bias'], outputs: ['b1.running_mean'] },
        { op: 'Conv', inputs: ['x', 'c1.weight'], outputs: ['c'], attrs: { kernel_shape: [1, 1] } },
        { op: 'BatchNormalization', inputs: ['c', 'b1.weight', 'b1.bias', 'b1.running_mean', 'b1.running_var'], outputs: ['y'] },
      ],
      outputs: ['y'],
      inits: { 'c1.weight': { dims: [4, 3, 1, 1], values: [...Array(12).keys()] }, 'b1.weight': { dims: [4], values: [1, 1, 1, 1] }, 'b1.bias': { dims: [4], values: [0, 0, 0, 0] } },
    }), 'fresh.onnx'));
    const kinds = Object.fromEntries(onnxModuleTensors(plan).list.map((t) => [t.name, t.kind]));
    expect(kinds).toEqual({
      'b1.running_var': 'buffer', 'b1.running_mean': 'buffer', 'c1.weight': 'parameter', 'b1.weight': 'parameter', 'b1.bias': 'parameter', 'b1.num_batches_tracked': 'buffer',
    });
  });
});

describe.skipIf(!torchPython)('modules generated from ONNX graphs against PyTorch and the page (1e-5 relative)', () => {
  it('every fixture at opsets 11, 13, 17: untouched = PyTorch; changed in TF.js = TF.js and the fixture\'s own class', async () => {
    const before = tf.memory().numTensors;
    const dirs: string[] = [];
    const meta: { name: string; opset: number; changed: boolean; notModulePaths: readonly string[] }[] = [];
    for (const [name, outputs] of FIXTURES) {
      const input = npy(`${name}.input.npy`);
      for (const opset of [11, 13, 17]) {
        const plan = planOf(`${name}-op${opset}.onnx`);
        const { model, layerOf } = onnxLayersModel(plan);
        const tap = layerOf.get(listTaps(plan).suggested!)!;
        const base = `${name}_op${opset}`;
        // Untouched: against PyTorch's own outputs for the fixture's input.
        const untouched = onnxModuleFiles(model, plan, base);
        const expected: Record<string, SafetensorsTensor> = { input: { dtype: 'F32', shape: input.shape, data: input.data } };
        for (let k = 0; k < outputs; k++) {
          const e = npy(`${name}.expected${outputs > 1 ? k : ''}.npy`);
          expected[`expected_${k}`] = { dtype: 'F32', shape: e.shape, data: e.data };
        }
        dirs.push(await writeCase(mkdtempSync(join(tmpdir(), `onnx-pt-${base}-`)), untouched.files, base, expected, { original: null, train: false }));
        meta.push({ name, opset, changed: false, notModulePaths: untouched.notModulePaths });
        // Changed in TF.js: against TF.js on a random batch of 3, in eval and (BatchNorm kept) train mode.
        perturb(model, 1000 * opset);
        const changed = onnxModuleFiles(model, plan, base);
        const dir = mkdtempSync(join(tmpdir(), `onnx-pt-${base}-changed-`));
        const hasBn = plan.steps.some((s) => s.node.opType === 'BatchNormalization');
        const tensors: Record<string, SafetensorsTensor> = {};
        tf.engine().startScope();
        try {
          const x = tf.randomNormal([3, ...input.shape.slice(1)], 0, 1, 'float32', opset);
          const xs = tf.transpose(x, [0, 2, 3, 1]);
          tensors.input = f32(x);
          [model.predict(xs)].flat().forEach((y, k) => (tensors[`expected_${k}`] = f32(asOnnx(plan, k, y))));
          // The page's tap (a layer name), as train.py asks the module for it.
          tensors.kept = f32(tf.transpose(tf.model({ inputs: model.inputs, outputs: model.getLayer(tap).output as tf.SymbolicTensor }).predict(xs) as tf.Tensor, [0, 3, 1, 2]));
          if (hasBn) [model.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[]].flat().forEach((y, k) => (tensors[`train_${k}`] = f32(asOnnx(plan, k, y))));
        } finally {
          tf.engine().endScope();
        }
        if (hasBn) writeFileSync(join(dir, 'state_after.safetensors'), writeSafetensors((onnxStateDict(model, plan)).state));
        // The op zoo's PReLU weight ([12] → [12, 1, 1]) and table[1] (→ [1, 12, 1, 1]) were folded by the export; put back by hand.
        const assign = name === 'opzoo' ? [['prelu.weight', changed.notModulePaths[0], null], ['table', changed.notModulePaths[1], 1]] : [];
        dirs.push(await writeCase(dir, changed.files, base, tensors, { original: name, train: hasBn, assign, keep: tap }));
        meta.push({ name, opset, changed: true, notModulePaths: changed.notModulePaths });
        disposeModel(model);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    const r = spawnSync(torchPython!, [script, ...dirs], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`check-onnx-module.py failed: ${r.stderr}`);
    const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Result);
    console.table(results.map((x, i) => ({ model: `${meta[i].name} op${meta[i].opset}${meta[i].changed ? ' changed' : ''}`, ...x, dir: undefined, missing: x.missing?.length, unexpected: x.unexpected?.length })));
    results.forEach((x, i) => {
      const m = meta[i];
      expect(x.error, `${m.name} op${m.opset}`).toBeUndefined();
      expect(x.rel).toBeLessThan(1e-5);
      if (!m.changed) return;
      expect(x.keptRel).toBeLessThan(1e-5);
      if (m.name === 'fcn_resnet18' || m.name === 'unet') {
        expect(x.trainRel).toBeLessThan(1e-5);
        expect(x.statsRel).toBeLessThan(1e-5);
        expect(x.missing).toEqual([]);
        expect(x.unexpected).toEqual([]);
        expect(x.originalRel).toBeLessThan(1e-5);
        expect(x.originalVsPageRel).toBeLessThan(1e-5);
      } else if (m.name === 'opzoo') {
        // PReLU's weight reshaped and table[1] taken by torch.onnx.export's constant folding.
        expect(x.trainRel).toBeLessThan(1e-5);
        expect(x.missing).toEqual(['prelu.weight', 'table']);
        expect(x.unexpected).toEqual([...m.notModulePaths].sort());
        expect(m.notModulePaths[0]).toMatch(/^onnx::PRelu_/);
        expect(x.originalRel).toBeLessThan(1e-5);
        expect(x.originalVsPageRel).toBeLessThan(1e-5);
      } else {
        // LR-ASPP was exported in eval mode: BatchNorm folded into its convolutions.
        expect(x.unexpected).toEqual([...m.notModulePaths].sort());
        expect(x.missing!.some((k) => k.endsWith('.running_var'))).toBe(true);
      }
    });
  }, 240_000);
});
