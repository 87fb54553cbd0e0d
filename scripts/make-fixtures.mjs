// Fixture models for the bring-your-own-model tests, generated at test time (nothing is checked
// in): a valid segmentation teacher + student pair in TensorFlow.js layers format, a teacher in
// graph-model format (written by hand as a GraphDef in JSON: tfjs-converter is Python-only), and
// one broken variant per error the loader must name.
//
//   node scripts/make-fixtures.mjs [outDir]     (default e2e/.artifacts/fixtures)
//
// Each fixture is a folder of files exactly as a user would drop them. `makeFixtures()` returns
// them in memory too ({ [fixture]: { [fileName]: Uint8Array } }) for the Node tests.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

/** @typedef {import('./make-fixtures.d.mts').FixtureFiles} FixtureFiles */
/** A GraphDef node in JSON: `attr` maps each attribute name to its AttrValue object. */
/** @typedef {{ name: string, op: string, input?: string[], attr: Record<string, object> }} GraphNode */
/** What the broken variants edit in a layers model's model.json. */
/** @typedef {{ modelTopology: { config: { layers: { name: string, class_name: string }[] } }, weightsManifest: tf.io.WeightsManifestConfig }} LayersModelJson */

const enc = new TextEncoder();
/** @param {unknown} v */
const json = (v) => enc.encode(JSON.stringify(v));

/** Seeded glorot init so the fixtures are the same on every run. */
let seed = 1;
const init = () => tf.initializers.glorotUniform({ seed: seed++ });

/**
 * @param {string} name @param {number} filters @param {number} kernelSize @param {number} [strides]
 * @param {Parameters<typeof tf.layers.conv2d>[0]['activation']} [activation]
 */
function conv(name, filters, kernelSize, strides = 1, activation = 'relu') {
  return tf.layers.conv2d({ name, filters, kernelSize, strides, padding: 'same', activation, kernelInitializer: init() });
}

/** Segmentation teacher, 64×64×3 → 64×64×classes; tap `feat` at stride 4 (32 channels). A
 * reshape round trip ([256,32] and back) gives it a 3-D layer (`flat`), a tap the picker refuses. */
function segTeacher({ classes = 11, inputShape = [64, 64, 3], skipFromInput = false } = {}) {
  const input = tf.input({ shape: inputShape, name: 'image' });
  let x = conv('stem', 16, 3, 2).apply(input);
  x = conv('b1', 32, 3, 2).apply(x);
  const [h, w] = [inputShape[0] / 4, inputShape[1] / 4];
  x = tf.layers.reshape({ name: 'flat', targetShape: [h * w, 32] }).apply(x);
  x = tf.layers.reshape({ name: 'unflat', targetShape: [h, w, 32] }).apply(x);
  x = conv('feat', 32, 3).apply(x);
  x = conv('logits', classes, 1, 1, 'linear').apply(x);
  x = tf.layers.upSampling2d({ name: 'up', size: [4, 4], interpolation: 'bilinear' }).apply(x);
  if (skipFromInput) {
    // A refinement branch straight from the image: no layer before the head is a clean cut.
    const skip = conv('skip_conv', classes, 1, 1, 'linear').apply(input);
    x = tf.layers.add({ name: 'refine' }).apply(/** @type {tf.SymbolicTensor[]} */ ([x, skip]));
  }
  // Layers applied to a SymbolicTensor give SymbolicTensors.
  return tf.model({ inputs: input, outputs: /** @type {tf.SymbolicTensor} */ (x), name: 'fixture_teacher' });
}

/** Segmentation student: tap `feat` at stride 8 (16 channels), so align must resize and widen. */
function segStudent({ classes = 11, inputShape = [64, 64, 3] } = {}) {
  const input = tf.input({ shape: inputShape, name: 'image' });
  let x = conv('s1', 8, 3, 2).apply(input);
  x = conv('s2', 16, 3, 2).apply(x);
  x = conv('feat', 16, 3, 2).apply(x);
  x = conv('logits', classes, 1, 1, 'linear').apply(x);
  x = tf.layers.upSampling2d({ name: 'up', size: [8, 8], interpolation: 'bilinear' }).apply(x);
  return tf.model({ inputs: input, outputs: /** @type {tf.SymbolicTensor} */ (x), name: 'fixture_student' });
}

/**
 * A LayersModel as the files `model.save('downloads://')` writes, weights split in `shards`.
 * @param {tf.LayersModel} model
 * @returns {Promise<FixtureFiles>}
 */
async function layersFiles(model, shards = 2) {
  /** @type {tf.io.ModelArtifacts | undefined} */
  let artifacts;
  await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  if (!artifacts) throw new Error('model.save handed the save handler nothing');
  // A layers model saves its weights as one ArrayBuffer (WeightData may also be a list of them).
  const data = new Uint8Array(/** @type {ArrayBuffer} */ (artifacts.weightData));
  const cut = Math.ceil(data.byteLength / shards / 4) * 4;
  const paths = [];
  /** @type {FixtureFiles} */
  const files = {};
  for (let i = 0; i < shards; i++) {
    const name = `group1-shard${i + 1}of${shards}.bin`;
    paths.push(name);
    files[name] = data.slice(i * cut, Math.min(data.byteLength, (i + 1) * cut));
  }
  const manifest = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs }],
  };
  model.dispose();
  return { 'model.json': json(manifest), ...files };
}

// ---- graph model ------------------------------------------------------------------------------

/** @param {string} s */
const b64 = (s) => Buffer.from(s).toString('base64');
/** @param {number[]} shape */
const dims = (shape) => ({ dim: shape.map((d) => ({ size: String(d) })) });
const FLOAT = { type: 'DT_FLOAT' };

/** @param {string} name @param {number[]} shape @returns {GraphNode} */
function constNode(name, shape, dtype = 'DT_FLOAT') {
  return { name, op: 'Const', attr: { dtype: { type: dtype }, value: { tensor: { dtype, tensorShape: dims(shape) } } } };
}

/**
 * Seeded uniform values in ±limit (a tiny LCG; fixtures need no quality randomness).
 * @param {number} n @param {number} limit @param {number} s
 */
function uniform(n, limit, s) {
  const out = new Float32Array(n);
  let state = s >>> 0;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = ((state / 2 ** 32) * 2 - 1) * limit;
  }
  return out;
}

/**
 * A frozen segmentation teacher as a TF GraphDef in JSON (what tensorflowjs_converter writes):
 * image → conv3×3/2+ReLU (`stem/Relu`) → conv3×3/2+ReLU (`feat/Relu`, the tap, 16×16×24) →
 * conv1×1 → 11 logits → ResizeBilinear to 64×64 → Identity.
 * @param {{ unknownOp?: string | null }} [options] unknownOp: the op `feat/Relu` gets instead of Relu
 */
function graphTeacher({ unknownOp = null } = {}) {
  /** @type {GraphNode[]} */
  const nodes = [
    { name: 'image', op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: dims([-1, 64, 64, 3]) } } },
  ];
  /** @type {tf.io.WeightsManifestEntry[]} */
  const weights = [];
  /** @type {(Float32Array | Int32Array)[]} */
  const buffers = [];
  let s = 7;
  /**
   * @param {string} name @param {string} input @param {number} kin @param {number} kout
   * @param {number} k @param {number} stride @param {boolean} relu
   */
  const convLayer = (name, input, kin, kout, k, stride, relu) => {
    const kernel = `${name}/kernel`;
    const bias = `${name}/bias`;
    nodes.push(constNode(kernel, [k, k, kin, kout]), constNode(bias, [kout]));
    weights.push({ name: kernel, shape: [k, k, kin, kout], dtype: 'float32' }, { name: bias, shape: [kout], dtype: 'float32' });
    buffers.push(uniform(k * k * kin * kout, Math.sqrt(6 / (k * k * (kin + kout))), s++), new Float32Array(kout));
    nodes.push({
      name: `${name}/Conv2D`,
      op: 'Conv2D',
      input: [input, kernel],
      attr: {
        T: FLOAT,
        strides: { list: { i: ['1', String(stride), String(stride), '1'] } },
        padding: { s: b64('SAME') },
        data_format: { s: b64('NHWC') },
        dilations: { list: { i: ['1', '1', '1', '1'] } },
        explicit_paddings: { list: {} },
        use_cudnn_on_gpu: { b: true },
      },
    });
    nodes.push({ name: `${name}/BiasAdd`, op: 'BiasAdd', input: [`${name}/Conv2D`, bias], attr: { T: FLOAT, data_format: { s: b64('NHWC') } } });
    if (!relu) return `${name}/BiasAdd`;
    nodes.push({ name: `${name}/Relu`, op: unknownOp && name === 'feat' ? unknownOp : 'Relu', input: [`${name}/BiasAdd`], attr: { T: FLOAT } });
    return `${name}/Relu`;
  };
  let x = convLayer('stem', 'image', 3, 16, 3, 2, true);
  x = convLayer('feat', x, 16, 24, 3, 2, true);
  x = convLayer('logits', x, 24, 11, 1, 1, false);
  nodes.push(constNode('up/size', [2], 'DT_INT32'));
  weights.push({ name: 'up/size', shape: [2], dtype: 'int32' });
  buffers.push(new Int32Array([64, 64]));
  nodes.push({
    name: 'up/ResizeBilinear',
    op: 'ResizeBilinear',
    input: [x, 'up/size'],
    attr: { T: FLOAT, align_corners: { b: false }, half_pixel_centers: { b: true } },
  });
  nodes.push({ name: 'Identity', op: 'Identity', input: ['up/ResizeBilinear'], attr: { T: FLOAT } });
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const data = new Uint8Array(total);
  let off = 0;
  for (const b of buffers) {
    data.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), off);
    off += b.byteLength;
  }
  const manifest = {
    format: 'graph-model',
    generatedBy: 'hand-written GraphDef (scripts/make-fixtures.mjs)',
    convertedBy: 'maskd-playground fixtures',
    modelTopology: { node: nodes, library: {}, versions: { producer: 1395 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }],
  };
  return { 'model.json': json(manifest), 'group1-shard1of1.bin': data };
}

/**
 * A label-free teacher as real converted graph models come: named `seg.json` + `seg.bin` (not
 * model.json), a batch fixed at 1, three outputs (a sigmoid mask [1,32,32,1], a box map
 * [1,8,8,2], a pooled score [1,2] that is not a dense map), optionally channels-first
 * ([1,3,32,32] in, [1,C,H,W] out, through Transpose nodes as tensorflowjs_converter writes them).
 * image → conv3×3/2+ReLU (`stem/Relu`) → conv3×3/2+ReLU (`feat/Relu`, 8×8×24, the tap) →
 * conv1×1 → ResizeBilinear → Sigmoid (`mask`); conv1×1 (`boxes`); Mean over H, W (`score`).
 */
function graphLabelFree({ nchw = false } = {}) {
  /** @type {GraphNode[]} */
  const nodes = [
    { name: 'input_1', op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: dims(nchw ? [1, 3, 32, 32] : [1, 32, 32, 3]) } } },
  ];
  /** @type {tf.io.WeightsManifestEntry[]} */
  const weights = [];
  /** @type {(Float32Array | Int32Array)[]} */
  const buffers = [];
  let s = 31;
  /** @param {string} name @param {number[]} shape @param {Float32Array | Int32Array} values @param {'float32' | 'int32'} [dtype] */
  const konst = (name, shape, values, dtype = 'float32') => {
    nodes.push(constNode(name, shape, dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT'));
    weights.push({ name, shape, dtype });
    buffers.push(values);
  };
  /**
   * @param {string} name @param {string} input @param {number} kin @param {number} kout
   * @param {number} k @param {number} stride @param {boolean} relu
   */
  const conv = (name, input, kin, kout, k, stride, relu) => {
    konst(`${name}/kernel`, [k, k, kin, kout], uniform(k * k * kin * kout, Math.sqrt(6 / (k * k * (kin + kout))), s++));
    konst(`${name}/bias`, [kout], uniform(kout, 0.1, s++));
    nodes.push({
      name: `${name}/Conv2D`,
      op: 'Conv2D',
      input: [input, `${name}/kernel`],
      attr: {
        T: FLOAT,
        strides: { list: { i: ['1', String(stride), String(stride), '1'] } },
        padding: { s: b64('SAME') },
        data_format: { s: b64('NHWC') },
        dilations: { list: { i: ['1', '1', '1', '1'] } },
        explicit_paddings: { list: {} },
        use_cudnn_on_gpu: { b: true },
      },
    });
    nodes.push({ name: `${name}/BiasAdd`, op: 'BiasAdd', input: [`${name}/Conv2D`, `${name}/bias`], attr: { T: FLOAT, data_format: { s: b64('NHWC') } } });
    if (!relu) return `${name}/BiasAdd`;
    nodes.push({ name: `${name}/Relu`, op: 'Relu', input: [`${name}/BiasAdd`], attr: { T: FLOAT } });
    return `${name}/Relu`;
  };
  /** @param {string} name @param {string} input @param {number[]} perm */
  const transpose = (name, input, perm) => {
    konst(`${name}/perm`, [4], new Int32Array(perm), 'int32');
    nodes.push({ name, op: 'Transpose', input: [input, `${name}/perm`], attr: { T: FLOAT, Tperm: { type: 'DT_INT32' } } });
    return name;
  };
  let x = nchw ? transpose('to_nhwc', 'input_1', [0, 2, 3, 1]) : 'input_1';
  x = conv('stem', x, 3, 16, 3, 2, true);
  const feat = conv('feat', x, 16, 24, 3, 2, true);
  const logit = conv('mask_logit', feat, 24, 1, 1, 1, false);
  konst('mask_up/size', [2], new Int32Array([32, 32]), 'int32');
  nodes.push({ name: 'mask_up', op: 'ResizeBilinear', input: [logit, 'mask_up/size'], attr: { T: FLOAT, align_corners: { b: false }, half_pixel_centers: { b: true } } });
  nodes.push({ name: 'mask_sigmoid', op: 'Sigmoid', input: ['mask_up'], attr: { T: FLOAT } });
  const boxes = conv('box', feat, 24, 2, 1, 1, false);
  konst('score/axes', [2], new Int32Array([1, 2]), 'int32');
  nodes.push({ name: 'score', op: 'Mean', input: [boxes, 'score/axes'], attr: { T: FLOAT, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } } });
  const maskOut = nchw ? transpose('mask_nchw', 'mask_sigmoid', [0, 3, 1, 2]) : 'mask_sigmoid';
  const boxOut = nchw ? transpose('boxes_nchw', boxes, [0, 3, 1, 2]) : boxes;
  nodes.push({ name: 'mask', op: 'Identity', input: [maskOut], attr: { T: FLOAT } });
  nodes.push({ name: 'boxes', op: 'Identity', input: [boxOut], attr: { T: FLOAT } });
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const data = new Uint8Array(total);
  let off = 0;
  for (const b of buffers) {
    data.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), off);
    off += b.byteLength;
  }
  const name = nchw ? 'segnchw' : 'seg';
  /** @param {number[]} d */
  const shape = (d) => ({ dim: d.map((v) => ({ size: String(v) })) });
  const manifest = {
    format: 'graph-model',
    generatedBy: 'hand-written GraphDef (scripts/make-fixtures.mjs)',
    convertedBy: 'maskd-playground fixtures',
    signature: {
      inputs: { 'input_1:0': { name: 'input_1:0', dtype: 'DT_FLOAT', tensorShape: shape(nchw ? [1, 3, 32, 32] : [1, 32, 32, 3]) } },
      outputs: {
        'mask:0': { name: 'mask:0', dtype: 'DT_FLOAT', tensorShape: shape(nchw ? [1, 1, 32, 32] : [1, 32, 32, 1]) },
        'boxes:0': { name: 'boxes:0', dtype: 'DT_FLOAT', tensorShape: shape(nchw ? [1, 2, 8, 8] : [1, 8, 8, 2]) },
        'score:0': { name: 'score:0', dtype: 'DT_FLOAT', tensorShape: shape([1, 2]) },
      },
    },
    modelTopology: { node: nodes, library: {}, versions: { producer: 1395 } },
    weightsManifest: [{ paths: [`${name}.bin`], weights }],
  };
  return { [`${name}.json`]: json(manifest), [`${name}.bin`]: data };
}

// ---- broken variants --------------------------------------------------------------------------

/** @param {FixtureFiles} files @param {(model: LayersModelJson) => void} edit */
function editJson(files, edit) {
  /** @type {LayersModelJson} */
  const model = JSON.parse(new TextDecoder().decode(files['model.json']));
  edit(model);
  return { ...files, 'model.json': json(model) };
}

/** @param {FixtureFiles} files @param {string} name */
function withoutFile(files, name) {
  const out = { ...files };
  delete out[name];
  return out;
}

/**
 * Every fixture, in memory. The models are built and saved on the cpu backend; the caller's
 * backend (wasm in the training tests) is active again afterwards.
 */
export async function makeFixtures() {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  try {
    return await buildFixtures();
  } finally {
    if (previous && previous !== 'cpu') await tf.setBackend(previous);
  }
}

async function buildFixtures() {
  seed = 1;
  const teacher = await layersFiles(segTeacher());
  const student = await layersFiles(segStudent());
  /** @type {Record<string, FixtureFiles>} */
  const fixtures = {
    'teacher-valid': teacher,
    'student-valid': student,
    'teacher-graph': graphTeacher(),
    'teacher-graph-labelfree': graphLabelFree(),
    'teacher-graph-nchw': graphLabelFree({ nchw: true }),
    'teacher-32': await layersFiles(segTeacher({ inputShape: [32, 32, 3] })),
    'broken-not-json': { 'model.json': enc.encode('<!doctype html><title>404</title>') },
    'broken-not-tfjs': { 'model.json': json({ name: 'my-net', version: 3, layers: ['conv', 'relu'] }) },
    'broken-missing-shard': withoutFile(teacher, 'group1-shard2of2.bin'),
    'broken-extra-shard': { ...teacher, 'group1-shard3of2.bin': new Uint8Array(64) },
    'broken-shard-size': { ...teacher, 'group1-shard2of2.bin': teacher['group1-shard2of2.bin'].slice(0, -8) },
    'broken-unsupported-layer': editJson(teacher, (m) => {
      const feat = /** @type {LayersModelJson['modelTopology']['config']['layers'][number]} */ (m.modelTopology.config.layers.find((l) => l.name === 'feat'));
      feat.class_name = 'MultiHeadSelfAttention';
    }),
    'broken-unsupported-op': graphTeacher({ unknownOp: 'FancyRelu' }),
    'broken-head-skip': await layersFiles(segTeacher({ skipFromInput: true })),
    'broken-wrong-classes': await layersFiles(segTeacher({ classes: 10 })),
    'broken-gray-input': await layersFiles(segTeacher({ inputShape: [64, 64, 1] })),
    // The manifest asks for a 12288×70000 float32 kernel (3.4 GB): more than any one GPU binding.
    'broken-too-large': editJson(teacher, (m) => {
      m.weightsManifest[0].weights.push({ name: 'huge/kernel', shape: [12288, 70000], dtype: 'float32' });
    }),
    // For the 3-class segmentation dataset fixture (scripts/make-dataset-fixtures.mjs) loaded at 32×32.
    'teacher-3class-32': await layersFiles(segTeacher({ classes: 3, inputShape: [32, 32, 3] })),
    'student-3class-32': await layersFiles(segStudent({ classes: 3, inputShape: [32, 32, 3] })),
  };
  return fixtures;
}

/** @param {string} outDir */
export async function writeFixtures(outDir) {
  const fixtures = await makeFixtures();
  rmSync(outDir, { recursive: true, force: true });
  for (const [name, files] of Object.entries(fixtures)) {
    const dir = join(outDir, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, bytes] of Object.entries(files)) writeFileSync(join(dir, file), bytes);
  }
  return Object.keys(fixtures);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? fileURLToPath(new URL('../e2e/.artifacts/fixtures', import.meta.url)));
  const names = await writeFixtures(out);
  console.log(`wrote ${names.length} fixtures to ${out}: ${names.join(', ')}`);
}
