// The bundle's generated student (student.py in `dir`) with the weights at `weightsPath`, against
// the page's `student` on one random NHWC batch: the largest |TF.js − PyTorch| over its outputs.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, writeSafetensors } from '../share/safetensors';
import { torchPython } from './torchPython.testkit';

const PYTORCH_OUTPUT = String.raw`
import sys, torch
sys.path.insert(0, sys.argv[1])
from maskd_nn import read_safetensors, write_safetensors
import student
net = student.Net()
net.load_state_dict(read_safetensors(sys.argv[2]), strict=True)
net.eval()
with torch.no_grad():
    y = net(read_safetensors(sys.argv[3])["input"].permute(0, 3, 1, 2)).permute(0, 2, 3, 1).contiguous()
write_safetensors(sys.argv[4], {"output": y})
`;

export function studentOutputDiff(dir: string, weightsPath: string, student: tf.LayersModel, shape: [number, number, number, number], seed: number): number {
  const x = tf.randomUniform(shape, 0, 1, 'float32', seed);
  const y = student.predict(x) as tf.Tensor;
  const ours = y.dataSync();
  writeFileSync(join(dir, 'input.safetensors'), writeSafetensors({ input: { dtype: 'F32', shape: x.shape, data: x.dataSync() as Float32Array } }));
  tf.dispose([x, y]);
  const py = spawnSync(torchPython!, ['-c', PYTORCH_OUTPUT, dir, weightsPath, join(dir, 'input.safetensors'), join(dir, 'output.safetensors')], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(`the bundle's student failed in PyTorch: ${py.stderr.slice(-2000)}`);
  const theirs = readSafetensors(new Uint8Array(readFileSync(join(dir, 'output.safetensors')))).tensors.get('output')!.data as Float32Array;
  if (theirs.length !== ours.length) throw new Error(`PyTorch gave ${theirs.length} outputs, TF.js ${ours.length}`);
  let diff = 0;
  for (let i = 0; i < ours.length; i++) diff = Math.max(diff, Math.abs(ours[i] - theirs[i]));
  return diff;
}
