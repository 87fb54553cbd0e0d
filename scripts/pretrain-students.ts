// Pretrains the demo students' backbone on a proxy of the reference's ImageNet pretraining and
// writes it to public/models/student-backbone/ (weights.bin + meta.json), where every demo
// student's backbone starts from (src/train/demoModels.ts, loadStudentBackbone). In the reference
// (hunto/MasKD) the distilled students, RetinaNet-R50 and DeepLabV3-R18, start from
// ImageNet-pretrained ResNets; the digits are all the images this project has, so:
//
// The proxy: 10-way classification of one digit per 64×64 image, drawn exactly as the demo's
// scenes draw theirs (DEFAULT_SCENE_CONFIG with one digit: 18–32 px, anywhere, bold strokes, random
// colours on the noisy gradient background), from the TRAINING digits only: 9 of every 10 training
// digits (index mod 10 ≠ 0) make the pretraining images, the 10th are held out and score the proxy.
// The validation and test digits are never seen. Why these images: the students then predict per
// pixel on exactly these scenes, so the backbone learns the digits at their scales, positions and
// colours, and global average pooling over the stride-4 `neck` makes every position learn to tell
// the classes apart (what the dense heads read). Multi-label "which digits are present" on the
// full 1–4-digit scenes was tried first and did not learn within the budget: after 500 steps ×
// batch 32 (Adam 0.003) its held-out exact-set accuracy was 0.000 and its per-label accuracy 0.761,
// the all-absent rate.
//
// The net: the student's backbone (stem → … → `neck`, the same layer names as buildStudent, so
// the weights load by name) + ReLU + global average pool + dense 10 (softmax cross-entropy), the classifier
// discarded. Both demo students have the same backbone (STUDENT_SIZES, checked by
// src/models/studentBackbone.test.ts), so one pretrained backbone serves both.
//
//   tsx scripts/pretrain-students.ts [--steps 3000] [--batch 32] [--lr 0.01] [--seed 1]
//        [--eval-every 250] [--held-out 512] [--out public/models/student-backbone]
//
// Deterministic: seeded init (reseedKernels), batch k = scenes [k·batch, (k+1)·batch) of a seeded
// stream, wasm in Node has no threads. Short enough (16 min here) not to need resuming.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { useWasmBackend as startWasmBackend } from '../src/backends/wasm/node';
import { imagesTensor } from '../src/data/batches';
import type { DigitPool } from '../src/data/digits';
import { loadDigitsNode } from '../src/data/digitsNode';
import { DEFAULT_SCENE_CONFIG, generateScenes, type Scene } from '../src/data/scenes';
import { PRETRAIN_CLASSES, buildBackboneClassifier } from '../src/models/backboneClassifier';
import { STUDENT_SIZES } from '../src/models/nets';
import '../src/models/resizeLayer';
import { extractBackbone } from '../src/models/studentBackbone';
import { setLearningRate, warmupCosineLr } from '../src/train/schedule';
import { reseedKernels } from '../src/train/seededInit';
import { SUPERVISED_WARMUP } from '../src/train/supervisedTrainer';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '3000' },
    batch: { type: 'string', default: '32' },
    lr: { type: 'string', default: '0.01' },
    seed: { type: 'string', default: '1' },
    'eval-every': { type: 'string', default: '200' },
    'held-out': { type: 'string', default: '512' },
    out: { type: 'string', default: join(root, 'public', 'models', 'student-backbone') },
  },
});
const steps = Number(args.steps);
const batch = Number(args.batch);
const lr = Number(args.lr);
const seed = Number(args.seed);
const evalEvery = Number(args['eval-every']);
const heldOutCount = Number(args['held-out']);
/** The scene streams: training batches and the held-out scenes (of the held-out training digits). */
const TRAIN_STREAM = 7001;
const HELD_OUT_STREAM = 7002;

/** The digits of `pool` whose index satisfies `keep`. */
function subset(pool: DigitPool, keep: (i: number) => boolean): DigitPool {
  const idx = Array.from({ length: pool.count }, (_, i) => i).filter(keep);
  const px = pool.rows * pool.cols;
  const pixels = new Uint8Array(idx.length * px);
  idx.forEach((i, k) => pixels.set(pool.pixels.subarray(i * px, (i + 1) * px), k * px));
  return { rows: pool.rows, cols: pool.cols, count: idx.length, pixels, labels: Uint8Array.from(idx, (i) => pool.labels[i]) };
}

/** One digit per image, placed as the scenes place theirs. */
const IMAGES = { minDigits: 1, maxDigits: 1 } as const;

/** [N, 10] one-hot of each image's digit. */
function oneHot(scenes: readonly Scene[]): tf.Tensor2D {
  const y = new Float32Array(scenes.length * PRETRAIN_CLASSES);
  scenes.forEach((s, i) => (y[i * PRETRAIN_CLASSES + s.digits[0].cls] = 1));
  return tf.tensor2d(y, [scenes.length, PRETRAIN_CLASSES]);
}

/** Top-1 accuracy on `scenes`. */
function accuracy(model: tf.LayersModel, scenes: readonly Scene[]): number {
  let right = 0;
  for (let i = 0; i < scenes.length; i += 64) {
    const part = scenes.slice(i, i + 64);
    const pred = tf.tidy(() => (model.predict(imagesTensor(part)) as tf.Tensor2D).argMax(-1).dataSync());
    part.forEach((s, r) => (right += pred[r] === s.digits[0].cls ? 1 : 0));
  }
  return right / scenes.length;
}

await startWasmBackend();
const pools = loadDigitsNode();
const trainDigits = subset(pools.train, (i) => i % 10 !== 0);
const heldOutDigits = subset(pools.train, (i) => i % 10 === 0);
const heldOut = generateScenes(heldOutDigits, HELD_OUT_STREAM, 0, heldOutCount, IMAGES);
const model = buildBackboneClassifier();
reseedKernels(model, seed);
const optimizer = tf.train.adam(lr);
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
const history: { step: number; loss: number; heldOutAccuracy: number; elapsedS: number }[] = [];
const t0 = Date.now();
let lossSum = 0;
console.log(`[pretrain-students] ${steps} steps × batch ${batch}, Adam ${lr}, seed ${seed}; ${trainDigits.count} pretraining digits, ${heldOutDigits.count} held out (${heldOutCount} scenes)`);
for (let step = 0; step < steps; step++) {
  setLearningRate(optimizer, warmupCosineLr(lr, step, steps, SUPERVISED_WARMUP * steps));
  const scenes = generateScenes(trainDigits, TRAIN_STREAM + seed, step * batch, batch, IMAGES);
  const x = imagesTensor(scenes);
  const y = oneHot(scenes);
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor2D) as tf.Scalar, variables);
  const loss = (await value.data())[0];
  if (!Number.isFinite(loss)) throw new Error(`non-finite loss at step ${step + 1}`);
  optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
  tf.dispose([x, y, value, ...Object.values(grads)]);
  lossSum += loss;
  const done = step + 1;
  if (done % evalEvery === 0 || done === steps) {
    const acc = accuracy(model, heldOut);
    const elapsedS = Math.round((Date.now() - t0) / 1000);
    history.push({ step: done, loss: lossSum / evalEvery, heldOutAccuracy: acc, elapsedS });
    console.log(`  step ${done}/${steps}  loss ${(lossSum / evalEvery).toFixed(4)}  held-out accuracy ${acc.toFixed(3)}  ${elapsedS} s  tensors ${tf.memory().numTensors}`);
    lossSum = 0;
  }
}
const wallS = Math.round((Date.now() - t0) / 1000);
const { manifest, data } = extractBackbone(model);
const last = history[history.length - 1];
const meta = {
  ...manifest,
  description: "Pretrained backbone of the demo students (stem → … → neck), loaded by name into every demo student before its fresh, seeded head; the classifier it was trained with is discarded.",
  proxy: {
    task: '10-way classification of one digit per 64×64 image (softmax cross-entropy)',
    why: "a proxy of the reference's ImageNet pretraining (hunto/MasKD's students start from ImageNet ResNets) that the data allows: images drawn as the demo's scenes are (scales, positions, colours, background), so the backbone learns the digits where the dense heads read them, and global pooling makes every position learn the classes. Multi-label presence on the 1–4-digit scenes did not learn within the budget (500 steps: per-label accuracy 0.761, the all-absent rate).",
    images: { ...DEFAULT_SCENE_CONFIG, ...IMAGES },
    data: `training digits only (public/data/digits.bin): index mod 10 ≠ 0 (${trainDigits.count}) for pretraining, index mod 10 = 0 (${heldOutDigits.count}) held out; no validation or test digit is used`,
    trainImages: `stream ${TRAIN_STREAM + seed}, batch k = scenes [k·${batch}, (k+1)·${batch})`,
    heldOutImages: { stream: HELD_OUT_STREAM, count: heldOutCount },
  },
  net: { sizes: STUDENT_SIZES.segmentation, head: 'neck → ReLU → global average pool → dense 10 (discarded)', sameForTasks: ['segmentation', 'detection'], backboneParams: data.length },
  recipe: { optimizer: 'Adam', lr, batchSize: batch, steps, schedule: `linear warm-up over the first ${SUPERVISED_WARMUP * 100}% of the steps, then cosine to 0`, weightDecay: 0, seed, initSeed: seed },
  heldOut: { accuracy: last.heldOutAccuracy, images: heldOutCount, note: 'top-1 on images of held-out TRAINING digits, not validation or test digits' },
  history,
  backend: tf.getBackend(),
  runtime: `node ${process.version}`,
  wallS,
  date: new Date().toISOString(),
  command: `npm run pretrain:students -- --steps ${steps} --batch ${batch} --lr ${lr} --seed ${seed}`,
};
mkdirSync(args.out, { recursive: true });
writeFileSync(join(args.out, 'weights.bin'), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
writeFileSync(join(args.out, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
console.log(`[pretrain-students] wrote ${args.out} (${data.byteLength} bytes): held-out accuracy ${last.heldOutAccuracy.toFixed(3)}, ${wallS} s`);
