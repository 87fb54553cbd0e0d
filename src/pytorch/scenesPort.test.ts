// The Python port of the digit scenes (templates/scenes.py.ts) against the page's generator: for
// seeded streams, steps and batch sizes, the same images bit for bit (float32), the same labels,
// and the same CenterNet targets (heatmaps, sizes, offsets, centre masks).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sceneBatch } from '../data/batches';
import { encodeCenterNet } from '../data/centernet';
import { loadDigitsNode } from '../data/digitsNode';
import { writeSafetensors } from '../share/safetensors';
import { SCENES_PY } from './templates/scenes.py';
import { noteWhenNoTorch, torchPython } from './torchPython.testkit';

noteWhenNoTorch('scenesPort.test.ts');

const DRIVER = String.raw`
import sys, json, numpy as np
sys.path.insert(0, sys.argv[1])
from scenes import scene_batch, encode_centernet
d = sys.argv[1]
def read(path):
    raw = open(path, "rb").read(); n = int.from_bytes(raw[:8], "little"); h = json.loads(raw[8:8+n]); body = raw[8+n:]
    dt = {"U8": np.uint8, "F32": np.float32}
    return {k: np.frombuffer(body[v["data_offsets"][0]:v["data_offsets"][1]], dtype=dt[v["dtype"]]).reshape(v["shape"]) for k, v in h.items() if k != "__metadata__"}
pool = read(d + "/digits.safetensors"); want = read(d + "/want.safetensors")
out = {}
for case in json.loads(sys.argv[2]):
    got = scene_batch(pool["pixels"], pool["labels"], case["seed"], case["step"], case["batch"])
    img = np.stack([g[0] for g in got]); lab = np.stack([g[1] for g in got])
    key = f"{case['seed']}_{case['step']}_{case['batch']}"
    t = [encode_centernet(g[2], 64, 64) for g in got]
    targets = {name: np.stack([x[i] for x in t]) for i, name in enumerate(("heat", "size", "offset", "mask"))}
    out[key] = {"imageBitsDiffer": int((img.view(np.uint32) != want["img_" + key].view(np.uint32)).sum()), "labelsDiffer": int((lab != want["lab_" + key]).sum()), "digits": sum(len(g[2]) for g in got),
                "targetsMaxDiff": max(float(np.abs(targets[n].reshape(-1) - want[n + "_" + key].reshape(-1)).max()) for n in targets)}
print(json.dumps(out))
`;

describe.skipIf(!torchPython)('scenes.py = the page\'s digit scenes', () => {
  it('seeded batches: images bit for bit, labels exactly', () => {
    const { train } = loadDigitsNode();
    const dir = mkdtempSync(join(tmpdir(), 'pt-scenes-'));
    writeFileSync(join(dir, 'scenes.py'), SCENES_PY);
    writeFileSync(
      join(dir, 'digits.safetensors'),
      writeSafetensors({ pixels: { dtype: 'U8', shape: [train.count, train.rows, train.cols], data: train.pixels }, labels: { dtype: 'U8', shape: [train.count], data: train.labels } }),
    );
    const cases = [
      { seed: 1, step: 0, batch: 8 },
      { seed: 20240917, step: 37, batch: 4 },
      { seed: 5, step: 1000, batch: 6 },
    ];
    const want: Record<string, { dtype: 'U8' | 'F32'; shape: number[]; data: Uint8Array | Float32Array }> = {};
    let digits = 0;
    for (const c of cases) {
      const scenes = sceneBatch(train, c.seed, c.step, c.batch);
      const key = `${c.seed}_${c.step}_${c.batch}`;
      const img = new Float32Array(c.batch * 64 * 64 * 3);
      const lab = new Uint8Array(c.batch * 64 * 64);
      scenes.forEach((s, i) => {
        img.set(s.image, i * s.image.length);
        lab.set(s.labels, i * s.labels.length);
        digits += s.digits.length;
      });
      want[`img_${key}`] = { dtype: 'F32', shape: [c.batch, 64, 64, 3], data: img };
      want[`lab_${key}`] = { dtype: 'U8', shape: [c.batch, 64, 64], data: lab };
      const targets = scenes.map((s) => encodeCenterNet(s.boxes, 64, 64));
      for (const [name, field] of [['heat', 'heatmap'], ['size', 'size'], ['offset', 'offset'], ['mask', 'mask']] as const) {
        const parts = targets.map((t) => t[field]);
        const data = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
        parts.forEach((p, i) => data.set(p, i * p.length));
        want[`${name}_${key}`] = { dtype: 'F32', shape: [data.length], data };
      }
    }
    writeFileSync(join(dir, 'want.safetensors'), writeSafetensors(want));
    const r = spawnSync(torchPython!, ['-c', DRIVER, dir, JSON.stringify(cases)], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, { imageBitsDiffer: number; labelsDiffer: number; digits: number; targetsMaxDiff: number }>;
    console.log(JSON.stringify(out));
    for (const v of Object.values(out)) {
      expect(v.imageBitsDiffer).toBe(0);
      expect(v.labelsDiffer).toBe(0);
      // Math.exp (V8) and math.exp (libm) may differ in the last bit of a double; float32 hides it.
      expect(v.targetsMaxDiff).toBeLessThanOrEqual(1e-7);
    }
    expect(Object.values(out).reduce((n, v) => n + v.digits, 0)).toBe(digits);
  }, 120_000);
});
