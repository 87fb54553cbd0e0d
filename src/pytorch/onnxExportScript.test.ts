// npm run export:onnx-pytorch on what the page's *Export → Student (.onnx)* writes: the U-Net
// fixture's layers model, its weights changed in TF.js, written back as .onnx (writeOnnx), then
// the script: model.py and model.safetensors, which the fixture's own UNet class loads with
// strict=True, giving the TF.js model's outputs to 1e-5 relative. An untrained torch export (its
// BatchNorm statistics merged with the scale and shift through Identity nodes): its own class
// loads the state dict strictly and the module trains as it does. A node the generator cannot
// write: exit status 2 and one line naming it.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { disposeModel } from '../models/disposeModel';
import { planConversion } from '../onnx/convert/plan';
import { decodeOnnx } from '../onnx/decode';
import { OnnxNodeLayer, onnxLayersModel, onnxLayersWeights } from '../onnx/layersModel';
import { fixture, npy, tinyModel } from '../onnx/testkit';
import { writeOnnx } from '../onnx/writer';
import { writeSafetensors } from '../share/safetensors';
import { noteWhenNoTorch, torchPython } from './torchPython.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('onnxExportScript.test.ts');

const root = fileURLToPath(new URL('../..', import.meta.url));
const exportScript = (...args: string[]) => spawnSync('npx', ['tsx', 'scripts/export-onnx-pytorch.ts', ...args], { cwd: root, encoding: 'utf8' });

describe('npm run export:onnx-pytorch', () => {
  it.skipIf(!torchPython)('writes a trained .onnx as a module and state dict the fixture\'s own class loads (U-Net, opset 13)', async () => {
    const plan = planConversion(decodeOnnx(fixture('unet-op13.onnx'), 'unet.onnx'));
    const { model } = onnxLayersModel(plan);
    let seed = 40;
    for (const layer of model.layers) {
      if (!(layer instanceof OnnxNodeLayer)) continue;
      for (const w of layer.weights) {
        const next = tf.tidy(() => tf.mul(w.read(), tf.add(1, tf.mul(0.3, tf.randomUniform(w.shape as number[], -1, 1, 'float32', seed++)))));
        w.write(next);
        next.dispose();
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'onnx-export-script-'));
    writeFileSync(join(dir, 'student.onnx'), writeOnnx(plan.model, await onnxLayersWeights(model, plan)));
    const r = exportScript(join(dir, 'student.onnx'), '--out', dir, '--name', 'model');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(join(dir, 'model.safetensors'));
    const input = npy('unet.input.npy');
    const out = tf.tidy(() => tf.transpose(model.predict(tf.transpose(tf.tensor(input.data, input.shape), [0, 2, 3, 1])) as tf.Tensor, [0, 3, 1, 2]));
    writeFileSync(join(dir, 'case.safetensors'), writeSafetensors({
      input: { dtype: 'F32', shape: input.shape, data: input.data },
      expected_0: { dtype: 'F32', shape: out.shape, data: Float32Array.from(out.dataSync()) },
    }));
    out.dispose();
    writeFileSync(join(dir, 'case.json'), JSON.stringify({ original: 'unet', train: false }));
    const check = spawnSync(torchPython!, [join(root, 'scripts/check-onnx-module.py'), dir], { encoding: 'utf8' });
    const res = JSON.parse(check.stdout) as { error?: string; rel: number; missing: string[]; unexpected: string[]; originalRel: number; originalVsPageRel: number };
    console.log(`export:onnx-pytorch U-Net: generated vs page ${res.rel}, own class vs generated ${res.originalRel}, own class vs page ${res.originalVsPageRel}`);
    expect(res.error).toBeUndefined();
    expect([res.missing, res.unexpected]).toEqual([[], []]);
    expect(res.rel).toBeLessThan(1e-5);
    expect(res.originalRel).toBeLessThan(1e-5);
    expect(res.originalVsPageRel).toBeLessThan(1e-5);
    disposeModel(model);
  }, 120_000);

  it.skipIf(!torchPython)('an untrained torch export (BatchNorm statistics merged with the scale and shift): its own class loads the state dict strictly, and the module trains as it does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-export-fresh-'));
    const net = `
import sys, torch, torch.nn as nn
class N(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1, s.b1, s.c2, s.b2 = nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8)
    def forward(s, x):
        return s.b2(s.c2(torch.relu(s.b1(s.c1(x)))))
`;
    const exported = spawnSync(torchPython!, ['-c', `${net}
torch.manual_seed(0)
torch.onnx.export(N().eval(), torch.randn(1, 3, 16, 16), sys.argv[1], opset_version=13, input_names=["input"], output_names=["output"],
                  dynamic_axes={"input": {0: "n"}, "output": {0: "n"}}, training=torch.onnx.TrainingMode.PRESERVE)
`, join(dir, 'fresh.onnx')], { encoding: 'utf8' });
    expect(exported.status, exported.stderr).toBe(0);
    const r = exportScript(join(dir, 'fresh.onnx'), '--out', dir);
    expect(r.status, r.stderr).toBe(0);
    const check = spawnSync(torchPython!, ['-c', `${net}
sys.path.insert(0, sys.argv[1])
import fresh
sd = fresh.read_safetensors(sys.argv[1] + "/fresh.safetensors")
own, gen = N(), fresh.Net()
own.load_state_dict(sd, strict=True)
gen.load_state_dict(sd, strict=True)
x = torch.randn(4, 3, 16, 16)
train = float((own.train()(x) - gen.train()(x)).abs().max())
stats = max(float((own.state_dict()[k].double() - gen.state_dict()[k].double()).abs().max()) for k in own.state_dict())
evald = float((own.eval()(x) - gen.eval()(x)).abs().max())
print(train, stats, evald, [k for k, _ in gen.named_buffers() if not k.startswith("_c.")])
`, dir], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    const [train, stats, evald] = check.stdout.trim().split(' ').slice(0, 3).map(Number);
    console.log(`fresh export: train-mode output ${train}, state after a train-mode step ${stats}, eval ${evald}`);
    expect(Math.max(train, stats, evald)).toBeLessThan(1e-5);
    expect(check.stdout).toContain("'b1.running_mean', 'b1.running_var', 'b1.num_batches_tracked'");
  }, 120_000);

  it('refuses a node the generator cannot write with exit status 2 and one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-export-refused-'));
    writeFileSync(join(dir, 'pad.onnx'), tinyModel({
      input: ['N', 3, 6, 5],
      nodes: [{ op: 'Pad', inputs: ['x', 'p'], outputs: ['y'], name: 'pad_c', attrs: { mode: 'reflect' } }],
      outputs: ['y'],
      inits: { p: { dims: [8], values: [0, 1, 0, 0, 0, 1, 0, 0] } },
    }));
    const r = exportScript(join(dir, 'pad.onnx'), '--out', join(dir, 'out'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^cannot write the ONNX graph as a PyTorch module: Pad node "pad_c" \(opset 13\): reflect padding of axis 1/);
  }, 60_000);
});
