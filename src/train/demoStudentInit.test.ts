// The demo student's init: the shipped pretrained backbone under the fresh seeded head (the
// default), the old all-fresh init on request, and a fresh student with a typed warning when the
// shipped backbone is missing or does not fit.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { loadDigitsNode } from '../data/digitsNode';
import type { DigitPools } from '../data/digits';
import type { LoadDemoOptions } from '../engine/models';
import { backboneLayers } from '../models/backboneClassifier';
import { buildStudent, type Task } from '../models/nets';
import '../models/resizeLayer';
import { extractBackbone } from '../models/studentBackbone';
import { disposeDemo } from './demo';
import type { Checkpoint } from '../engine/checkpoint';
import type { CheckpointSink } from './checkpointStore';
import { EngineSession } from './engineSession';
import { buildDemo, type BuiltDemo } from './demoLoad';
import { fileFetch, PUBLIC_URL } from './fileFetch';
import { reseedKernels } from './seededInit';

let pools: DigitPools;
beforeAll(async () => {
  await useWasmBackend();
  pools = loadDigitsNode();
});

const SHIPPED = new URL('models/student-backbone/', PUBLIC_URL);
const shippedBytes = () => new Float32Array(readFileSync(fileURLToPath(new URL('weights.bin', SHIPPED))).buffer.slice(0));
const values = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

/** The public/ files, with the backbone's answered by `patch` (a Response, or null for the file). */
const fetchWith = (patch: (name: string) => Response | null) => (async (input: RequestInfo | URL) => {
  const url = String(input instanceof Request ? input.url : input);
  const name = url.startsWith(SHIPPED.href) ? url.slice(SHIPPED.href.length) : null;
  return (name !== null && patch(name)) || fileFetch(input);
}) as typeof fetch;

async function withDemo<T>(task: Task, options: LoadDemoOptions, f: (d: BuiltDemo) => T, fetchFunc: typeof fetch = fileFetch as typeof fetch): Promise<T> {
  const built = await buildDemo(pools, task, PUBLIC_URL, options, fetchFunc);
  try {
    return f(built);
  } finally {
    disposeDemo(built.demo);
  }
}

function freshStudent(task: Task, seed: number): number[][] {
  const m = buildStudent(task);
  reseedKernels(m, seed);
  const v = values(m);
  m.dispose();
  return v;
}

it.each(['segmentation', 'detection'] as const)('the %s demo student starts from the shipped backbone under a fresh seeded head', async (task) => {
  const fresh = freshStudent(task, 3);
  const names = new Set(backboneLayers(buildStudent(task)).flatMap((l) => l.weights.map((w) => w.originalName)));
  await withDemo(task, { seed: 3 }, ({ demo, loaded }) => {
    expect(loaded.warnings.filter((w) => w.kind === 'untrained-student')).toEqual([]);
    expect(loaded.student.source).toBe(`builtin:${task}-student`);
    expect(extractBackbone(demo.student).data).toEqual(shippedBytes());
    // Not the fresh backbone, and every head weight exactly the fresh one's.
    const got = values(demo.student);
    demo.student.weights.forEach((w, i) => {
      if (names.has(w.originalName)) expect(got[i]).not.toEqual(fresh[i]);
      else expect(got[i]).toEqual(fresh[i]);
    });
  });
});

it("'fresh' gives the student the init it had before the pretrained backbone (same values for the same seed)", async () => {
  await withDemo('segmentation', { seed: 2, studentInit: 'fresh' }, ({ demo, loaded }) => {
    expect(loaded.student.source).toBe('fresh:segmentation-student');
    expect(loaded.warnings).toEqual([]);
    expect(demo.studentBackbone).toBeNull();
    expect(values(demo.student)).toEqual(freshStudent('segmentation', 2));
  });
});

it('a missing or corrupt shipped backbone leaves the student fresh, with an untrained-student warning', async () => {
  const fresh = freshStudent('detection', 1);
  const cases: [string, (name: string) => Response | null, RegExp][] = [
    ['missing', () => new Response(null, { status: 404 }), /no shipped student backbone/],
    ['truncated', (n) => (n === 'weights.bin' ? new Response(new Uint8Array(100)) : null), /could not be used \(weights\.bin has 100 bytes/],
    ['renamed', (n) => (n === 'meta.json' ? Response.json({ ...JSON.parse(readFileSync(fileURLToPath(new URL('meta.json', SHIPPED)), 'utf8')), weights: [{ name: 'x/kernel', shape: [1] }] }) : null), /not in the student's backbone/],
  ];
  for (const [, patch, text] of cases) {
    await withDemo('detection', {}, ({ demo, loaded }) => {
      expect(loaded.warnings).toEqual([{ kind: 'untrained-student', text: expect.stringMatching(text) }]);
      expect(loaded.student.source).toBe('fresh:detection-student');
      expect(values(demo.student)).toEqual(fresh);
    }, fetchWith(patch));
  }
});

it("a distillation run's student starts from the demo's backbone, and its checkpoints say so", async () => {
  const checkpoints: Checkpoint[] = [];
  const sink: CheckpointSink = { save: async (c) => void checkpoints.push(structuredClone(c)), load: async () => null, clear: async () => {} };
  const s = new EngineSession(() => {}, sink);
  s.pools = pools;
  s.fetchFunc = fileFetch as typeof fetch;
  const config = { method: 'none' as const, params: {}, steps: 1, batchSize: 2, lr: 1e-12, seed: 5, evalEvery: 1, valCount: 2, checkpointEvery: 1 };
  const stemAfterRun = async () => {
    await s.distill(1, config);
    const exported = await s.exportState();
    return { init: exported.studentInit, stem: Array.from(exported.student!.find((a) => a.name.startsWith('stem_conv/kernel'))!.data) };
  };
  await s.loadDemoAt('segmentation', PUBLIC_URL);
  const pretrained = await stemAfterRun();
  expect(pretrained.init).toBe('pretrained');
  // Adam's step at lr 1e-12 leaves the kernel where the run started it: the shipped one.
  const shipped = Array.from(shippedBytes().subarray(0, 3 * 3 * 3 * 8));
  pretrained.stem.forEach((v, i) => expect(v).toBeCloseTo(shipped[i], 6));
  await s.loadDemoAt('segmentation', PUBLIC_URL, { studentInit: 'fresh' });
  const fresh = await stemAfterRun();
  expect(fresh.init).toBe('fresh');
  expect(fresh.stem).not.toEqual(pretrained.stem);
  expect(new Set(checkpoints.map((c) => c.studentInit))).toEqual(new Set(['pretrained', 'fresh']));
  s.dispose();
}, 120_000);

it('the shipped meta.json records the recipe, the held-out accuracy and the data it used', () => {
  const meta = JSON.parse(readFileSync(fileURLToPath(new URL('meta.json', SHIPPED)), 'utf8'));
  expect(meta).toMatchObject({ format: 'maskd-student-backbone', version: 1, recipe: { seed: expect.any(Number), steps: expect.any(Number), batchSize: expect.any(Number), lr: expect.any(Number) } });
  // Chance is 0.1 (ten digits).
  expect(meta.heldOut.accuracy).toBeGreaterThan(0.3);
  expect(meta.proxy.data).toMatch(/training digits only/);
  expect(readFileSync(fileURLToPath(new URL('weights.bin', SHIPPED))).byteLength).toBeLessThan(32 * 1024);
});
