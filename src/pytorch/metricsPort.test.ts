// metrics.py (the bundle's port of the page's metrics) against the page's own: a hand-worked
// segmentation and detection case, then seeded random outputs with forced ties (equal logits,
// equal peak scores, plateaus) scored by both: the same mIoU, boxes and AP@0.5, exactly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Box, ScoredBox } from '../data/boxes';
import { decodeCenterNet } from '../data/centernet';
import { Rng } from '../data/rng';
import { accumulateConfusion, argmaxLabels, averagePrecision, createConfusion, meanIoU } from '../models/metrics';
import { METRICS_PY } from './templates/metrics.py';
import { noteWhenNoTorch, torchPython } from './torchPython.testkit';

noteWhenNoTorch('metricsPort.test.ts');

const DRIVER = String.raw`
import sys, json, numpy as np
sys.path.insert(0, sys.argv[1])
from metrics import accumulate_confusion, argmax_labels, average_precision, decode_centernet, mean_iou
c = json.load(open(sys.argv[1] + "/case.json"))
out = {}
if "seg" in c:
    s = c["seg"]; k = s["k"]
    logits = np.array(s["logits"], dtype=np.float32).reshape(s["shape"] + [k])
    counts = np.zeros(k * k)
    for gt, lg in zip(np.array(s["gt"]).reshape(s["shape"]), logits):
        accumulate_confusion(counts, k, gt, argmax_labels(lg))
    out["miou"] = mean_iou(counts, k)
if "det" in c:
    d = c["det"]; gh, gw, nc = d["grid"]
    dets = []
    for img in d["images"]:
        heat = np.array(img["heat"], dtype=np.float32).reshape(gh, gw, nc)
        size = np.array(img["size"], dtype=np.float32).reshape(gh, gw, 2)
        offset = np.array(img["offset"], dtype=np.float32).reshape(gh, gw, 2)
        dets.append(decode_centernet(heat, size, offset, 4, nc))
    if "given" in d:
        dets = [[tuple(b) for b in boxes] for boxes in d["given"]]
    truth = [[tuple(b) for b in boxes] for boxes in d["truth"]]
    ap, per = average_precision(dets, truth, nc)
    out["ap"] = None if ap != ap else ap; out["perClass"] = per; out["boxes"] = [[list(b) for b in boxes] for boxes in dets]
print(json.dumps(out))
`;

type PyOut = { miou?: number; ap?: number; perClass?: (number | null)[]; boxes?: number[][][] };

function runPy(c: unknown): PyOut {
  const dir = mkdtempSync(join(tmpdir(), 'pt-metrics-'));
  writeFileSync(join(dir, 'metrics.py'), METRICS_PY);
  writeFileSync(join(dir, 'case.json'), JSON.stringify(c));
  const r = spawnSync(torchPython!, ['-c', DRIVER, dir], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as PyOut;
}

const asTuple = (b: ScoredBox | Box) => ['score' in b ? [b.x0, b.y0, b.x1, b.y1, b.cls, b.score] : [b.x0, b.y0, b.x1, b.y1, b.cls]][0];

describe.skipIf(!torchPython)('metrics.py = the page\'s metrics', () => {
  it('hand-worked: mIoU 2/3 of a 2x2 image, AP 0.25 of two images, one decoded box', () => {
    // gt [0,1 / 1,2], pred [0,1 / 2,2]: IoU 1 (class 0), 1/2 (class 1: 1 hit of 2), 1/2 (class 2: 1 of 2 predicted).
    const logits = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1];
    const conf = createConfusion(3);
    accumulateConfusion(conf, [0, 1, 1, 2], argmaxLabels(logits, 3));
    expect(meanIoU(conf)).toBeCloseTo(2 / 3, 15);
    // Image A: its one truth box found at 0.9; image B: a detection at 0.95 beside its box (IoU 0).
    // Sorted: FP, TP → recall 0, 1/2; precision 0, 1/2 → AP = 1/2 · 1/2.
    const truth: Box[][] = [[{ x0: 0, y0: 0, x1: 8, y1: 8, cls: 0 }], [{ x0: 0, y0: 0, x1: 4, y1: 4, cls: 0 }]];
    const given: ScoredBox[][] = [[{ x0: 0, y0: 0, x1: 8, y1: 8, cls: 0, score: 0.9 }], [{ x0: 10, y0: 10, x1: 14, y1: 14, cls: 0, score: 0.95 }]];
    expect(averagePrecision(given, truth, 1).mAP).toBe(0.25);
    // A 2x2 grid of one class: only the 0.9 cell is a peak; centre (0 + 0.5)·4, size 2·4 → box (-2,-2)-(6,6).
    const heat = [0.9, 0.2, 0.1, 0.6];
    const size = [2, 2, 1, 1, 1, 1, 1, 1];
    const offset = [0.5, 0.5, 0, 0, 0, 0, 0, 0];
    const decoded = decodeCenterNet(heat, size, offset, 2, 2, { numClasses: 1, stride: 4 });
    expect(decoded).toEqual([{ x0: -2, y0: -2, x1: 6, y1: 6, cls: 0, score: 0.9 }]);
    const py = runPy({
      seg: { k: 3, shape: [1, 2, 2], logits, gt: [0, 1, 1, 2] },
      det: { grid: [2, 2, 1], images: [{ heat, size, offset }, { heat, size, offset }], given: given.map((g) => g.map(asTuple)), truth: truth.map((t) => t.map(asTuple)) },
    });
    expect(py.miou).toBe(meanIoU(conf));
    expect(py.ap).toBe(0.25);
    expect(py.boxes![0]).toEqual([[0, 0, 8, 8, 0, 0.9]]);
    const pyDecoded = runPy({ det: { grid: [2, 2, 1], images: [{ heat, size, offset }], truth: [[]] } }).boxes![0];
    expect(pyDecoded).toEqual([[-2, -2, 6, 6, 0, Math.fround(0.9)]]);
  });

  it('seeded outputs with ties: the same mIoU, boxes and AP exactly', () => {
    const rng = new Rng(7);
    // Segmentation: 5 images 9x7, 4 classes, logits on a coarse grid (many exact ties).
    const [n, h, w, k] = [5, 9, 7, 4];
    const logits = Float32Array.from({ length: n * h * w * k }, () => rng.int(0, 5) / 4);
    const gt = Uint8Array.from({ length: n * h * w }, () => rng.int(0, k - 1));
    const conf = createConfusion(k);
    for (let i = 0; i < n; i++) accumulateConfusion(conf, gt.subarray(i * h * w, (i + 1) * h * w), argmaxLabels(logits.subarray(i * h * w * k, (i + 1) * h * w * k), k));
    // Detection: 6 images, 8x8 grid, 3 classes; scores in 1/16 steps (plateaus and equal scores), truth near the cells.
    const [gh, gw, nc] = [8, 8, 3];
    const images = Array.from({ length: 6 }, () => ({
      heat: Array.from({ length: gh * gw * nc }, () => Math.fround(rng.int(0, 16) / 16)),
      size: Array.from({ length: gh * gw * 2 }, () => Math.fround(rng.uniform(0.5, 4))),
      offset: Array.from({ length: gh * gw * 2 }, () => Math.fround(rng.uniform(0, 1))),
    }));
    const dets = images.map((im) => decodeCenterNet(im.heat, im.size, im.offset, gh, gw, { numClasses: nc, stride: 4 }));
    // Truth: some decoded boxes moved by up to 2 px (hits and misses at IoU 0.5), and a few anywhere.
    const truth: Box[][] = dets.map((d) => [
      ...d.filter(() => rng.uniform() < 0.3).map((b) => ({ x0: b.x0 + rng.int(-2, 2), y0: b.y0 + rng.int(-2, 2), x1: b.x1 + rng.int(-2, 2), y1: b.y1 + rng.int(-2, 2), cls: b.cls })),
      ...Array.from({ length: rng.int(0, 2) }, () => {
        const x0 = rng.int(0, 24);
        const y0 = rng.int(0, 24);
        return { x0, y0, x1: x0 + rng.int(2, 12), y1: y0 + rng.int(2, 12), cls: rng.int(0, nc - 1) };
      }),
    ]);
    const ap = averagePrecision(dets, truth, nc);
    const py = runPy({
      seg: { k, shape: [n, h, w], logits: Array.from(logits), gt: Array.from(gt) },
      det: { grid: [gh, gw, nc], images, truth: truth.map((t) => t.map(asTuple)) },
    });
    console.log(JSON.stringify({ miou: meanIoU(conf), ap: ap.mAP, boxes: dets.map((d) => d.length) }));
    expect(dets.flat().length).toBeGreaterThan(50);
    expect(ap.mAP).toBeGreaterThan(0.05);
    expect(ap.mAP).toBeLessThan(0.95);
    expect(py.miou).toBe(meanIoU(conf));
    expect(py.boxes).toEqual(dets.map((d) => d.map(asTuple)));
    expect(py.perClass).toEqual(ap.perClass);
    expect(py.ap).toBe(ap.mAP);
  });
});
