// Every limit on untrusted input, stated once: its value, its unit, what it caps and why. The
// parsers import their numbers from here and check them *before* they allocate what the input
// declares (pixels from an image header, parameters from a model topology, elements from a
// tensor header, bytes from a file's size). docs/limits.md is generated from this table
// (scripts/docs-limits.ts; its test fails while the two disagree).
//
// Pure: no imports, so the page, the worker, Node scripts and tests can all read it.

export interface LimitSpec {
  /** The number the code compares against. */
  readonly value: number;
  /** What the number counts. */
  readonly unit: string;
  /** The value as docs/limits.md writes it (e.g. "64 MiB"). */
  readonly display: string;
  /** What is capped, in docs/limits.md's words. */
  readonly what: string;
  /** Why this value. */
  readonly why: string;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const LIMITS = {
  // ---- Datasets dropped on the Custom dataset card ----
  datasetFiles: {
    value: 20_000,
    unit: 'files',
    display: '20 000 files',
    what: 'files in one dataset drop (hidden files included)',
    why: 'every file is read into memory and posted to the worker; 10 000 images with their labels is far beyond what a tab trains on',
  },
  datasetFileBytes: {
    value: 64 * MiB,
    unit: 'bytes',
    display: '64 MiB',
    what: 'bytes of one dataset file (image, label PNG or boxes JSON)',
    why: 'an uncompressed 4096×4096 RGBA PNG is 64 MiB; a bigger file cannot be an image the pixel cap lets through',
  },
  datasetTotalBytes: {
    value: 1 * GiB,
    unit: 'bytes',
    display: '1 GiB',
    what: 'bytes of all files of one dataset drop together',
    why: 'the page holds the dropped bytes while the worker parses them; more than 1 GiB risks the tab',
  },
  datasetSampleBytes: {
    value: 1 * GiB,
    unit: 'bytes',
    display: '1 GiB',
    what: 'decoded samples kept in the worker: images × input side² × 13 bytes (float32 RGB + one label byte)',
    why: 'checked from the image count and the input size before the first image is decoded: 20 000 images at 64 px, 1 260 at 256 px, 315 at 512 px',
  },
  imagePixels: {
    value: 4096 * 4096,
    unit: 'pixels',
    display: '16 777 216 pixels (4096²)',
    what: 'pixels of one image or label map, read from its header (PNG IHDR, JPEG SOF, WebP, GIF, BMP) before decoding',
    why: 'a 4096×4096 16-bit RGBA PNG decodes to 128 MiB plus its 128 MiB of inflated rows; every image is resized to at most 512×512, so larger sources only cost memory',
  },
  imageSide: {
    value: 16_384,
    unit: 'pixels',
    display: '16 384 pixels',
    what: 'width or height of one image or label map, from its header',
    why: 'the largest canvas side browsers draw; also refuses 1×16M strips the pixel cap alone would pass',
  },
  pngInflateSlack: {
    value: 64 * 1024,
    unit: 'bytes',
    display: '64 KiB',
    what: 'compressed PNG data beyond what its header’s width × height needs (inflated in 1 KiB steps and stopped there)',
    why: 'a small header over a deflate bomb (1 MB inflating to 1 GB) is refused after inflating at most its own rows plus this much',
  },
  classes: {
    value: 64,
    unit: 'classes',
    display: '64 classes',
    what: 'classes of a dataset: largest label id + 1 (segmentation) or entries of "classes" (detection)',
    why: 'more is almost surely not a class map (a photo saved as a label, an ignore value 255); the heads and the class table stay small',
  },
  classNameChars: {
    value: 200,
    unit: 'characters',
    display: '200 characters',
    what: 'length of one class name in a boxes JSON',
    why: 'names are shown in the page; longer ones are not names',
  },
  boxesJsonBytes: {
    value: 32 * MiB,
    unit: 'bytes',
    display: '32 MiB',
    what: 'bytes of the boxes JSON of a detection dataset',
    why: 'about 600 000 boxes; JSON.parse needs several times the text in memory',
  },
  boxesPerImage: {
    value: 1000,
    unit: 'boxes',
    display: '1 000 boxes',
    what: 'boxes of one image in the boxes JSON',
    why: 'each box is drawn into the CenterNet targets of every batch; the digit demo has at most 4',
  },

  // ---- Your own models (model.json + shards, dropped, picked or fetched) ----
  modelJsonBytes: {
    value: 32 * MiB,
    unit: 'bytes',
    display: '32 MiB',
    what: 'bytes of a model.json (topology and manifest, without weights)',
    why: 'a graph model of several thousand nodes is a few MB; the JSON is parsed whole',
  },
  modelShards: {
    value: 256,
    unit: 'files',
    display: '256 shards',
    what: 'weight shard files listed by one model.json',
    why: 'tfjs writes 4 MB shards, so 256 hold 1 GiB; each one is a file read or a fetch',
  },
  modelWeightBytes: {
    value: 2 * GiB,
    unit: 'bytes',
    display: '2 GiB',
    what: 'bytes of all of a model’s weights on the device (from the manifest, before any weight is read)',
    why: 'a browser tab’s practical budget; one tensor is further capped by the backend (WebGPU maxStorageBufferBindingSize, WebGL texture size)',
  },
  modelParams: {
    value: (2 * GiB) / 4,
    unit: 'parameters',
    display: '536 870 912 parameters (2 GiB of float32)',
    what: 'parameters a layers-model topology declares, estimated from model.json before tf.loadLayersModel builds (and zero-fills) them',
    why: 'the weight budget in float32 elements; tfjs allocates every declared weight before it reads the manifest, so the topology is sized first (and must not declare more than the manifest holds)',
  },
  modelActivationBytes: {
    value: 256 * MiB,
    unit: 'bytes',
    display: '256 MiB',
    what: 'float32 outputs of all layers for one image, estimated from the topology',
    why: 'training keeps every activation of a batch of 8 for backprop: 2 GiB at this cap',
  },
  modelInputSide: {
    value: 512,
    unit: 'pixels',
    display: '512 pixels',
    what: 'input height or width a model declares (layers and graph models), checked before any test input is made',
    why: 'the largest input size a dataset can be resized to; the demo scenes are generated at the model’s size',
  },
  modelLayers: {
    value: 4096,
    unit: 'layers',
    display: '4 096 layers or nodes',
    what: 'layers of a layers model, or nodes of a graph model',
    why: 'ResNet-152 has about 500 layers and large converted graphs a few thousand nodes; the layer list and the tap checks walk them all',
  },
  modelOnnxFileBytes: {
    value: 1 * GiB,
    unit: 'bytes',
    display: '1 GiB',
    what: 'bytes of an .onnx file (the protobuf; weights in external-data files count under the weight limit), from the file size before it is read',
    why: 'the protobuf is decoded whole in the worker; its format tops out at 2 GiB and larger exports keep their weights in external data',
  },
  modelFetchSeconds: {
    value: 60,
    unit: 'seconds',
    display: '60 s',
    what: 'time to fetch a model.json and its shards from a URL',
    why: 'a server that never answers must not hold the page; the user can also abort',
  },
  // Model sandbox and sizing (issue 25): every dropped or fetched model is parsed, sized and run
  // once in a throwaway worker before the engine loads it; graph nodes are sized statically.
  modelProbeSeconds: {
    value: 30,
    unit: 'seconds',
    display: '30 s',
    what: 'time the throwaway probe worker has to parse, size and run a dropped or fetched model once',
    why: 'the demo-sized and the tested real models (CenterNet at 512×512) take a few seconds; a hang or a runaway model is stopped and the worker discarded (Cancel stops it at once)',
  },
  modelSizingSteps: {
    value: 65_536,
    unit: 'layer calls',
    display: '65 536 layer calls',
    what: 'layer calls one size estimate of a layers topology visits (nested models’ calls included, each shape sized once)',
    why: '16 per layer at the 4 096-layer cap; a nested model called with ever new shapes at every level would otherwise cost N^L sizings',
  },
  modelGraphValues: {
    value: 4096,
    unit: 'elements',
    display: '4 096 elements',
    what: 'elements of a graph constant (or computed int tensor) the static sizing reads as values (shapes, axes, sizes)',
    why: 'shape operands are a few numbers; a larger constant is sized by its shape alone',
  },
  backendTensorBytes: {
    value: 2 ** 31,
    unit: 'bytes',
    display: '2 GiB (2³¹ bytes)',
    what: 'bytes of one tensor the WebAssembly backend is asked to allocate (checked at its allocation, whatever asks)',
    why: 'tfjs-backend-wasm passes the byte count to a 32-bit malloc: 2³² bytes or more wraps to a few KiB that the kernel then overwrites the heap past; nothing the playground runs needs a tensor this large',
  },

  // ---- Token files (.safetensors) ----
  tokenFileBytes: {
    value: 64 * MiB,
    unit: 'bytes',
    display: '64 MiB',
    what: 'bytes of a .safetensors token file, checked from the file size before it is read',
    why: 'tokens and the token-weight branch at C = 1 024 take 38 MB; the file is read whole',
  },
  tokens: {
    value: 64,
    unit: 'tokens',
    display: '64 tokens',
    what: 'receptive tokens T in a token file, run file or link (mask_token [T, C])',
    why: 'the reference uses 6–8; every token is a mask drawn per scene and a row of the Dice Gram matrix',
  },
  tokenChannels: {
    value: 2048,
    unit: 'channels',
    display: '2 048 channels',
    what: 'token width C (the teacher feature’s channels) in a token file, run file or link',
    why: 'the widest common backbone feature (ResNet C5); the branch’s 3×3 kernel is 9·C² values',
  },
  safetensorsTensors: {
    value: 10_000,
    unit: 'tensors',
    display: '10 000 tensors',
    what: 'tensor entries in a .safetensors header',
    why: 'a token file holds 1 or 5; a whole model’s state dict some hundreds',
  },
  safetensorsHeaderBytes: {
    value: 100_000_000,
    unit: 'bytes',
    display: '100 000 000 bytes',
    what: 'the JSON header of a .safetensors file',
    why: 'what the reference reader refuses above',
  },

  // ---- Run files (.json from Export run) ----
  runFileBytes: {
    value: 64 * MiB,
    unit: 'bytes',
    display: '64 MiB',
    what: 'bytes of a run file, checked from the file size before it is read',
    why: 'a demo run with the branch is about 1 MB; the file is parsed whole as JSON',
  },
  fileParseSeconds: {
    value: 60,
    unit: 'seconds',
    display: '60 s',
    what: 'time the throwaway parse worker has to read and check one token or run file',
    why: 'a 55 MB token file at the limits is refused in under a second here; a file that keeps the parser busy longer is stopped with its worker and the page is as it was',
  },

  runFileCheckpointArrays: {
    value: 4096,
    unit: 'arrays',
    display: '4 096 arrays',
    what: 'named arrays in a run file’s checkpoint (tokens, branch, student, align module, Adam’s state, best student), counted before any is converted',
    why: 'a demo student’s checkpoint holds about 4 arrays per weight (weight, two Adam moments, best), a few hundred in all; each array is an object and a Float32Array',
  },
  runFileCheckpointValues: {
    value: 16 * MiB,
    unit: 'numbers',
    display: '16 777 216 numbers (64 MiB of float32)',
    what: 'numbers in all arrays of a run file’s checkpoint together, counted from the lists’ lengths and checked against each declared shape before any Float32Array is made',
    why: 'a demo student’s checkpoint holds well under a million; a 64 MiB file holds at most about 32 million numbers, so this also caps what the page allocates at what the file’s bytes justify',
  },
  runFileCheckpointHistory: {
    value: 100_000,
    unit: 'steps',
    display: '100 000 steps',
    what: 'entries (one per step) in the history of a run file’s checkpoint',
    why: 'each entry is two objects; a run of 100 000 steps is far beyond a browser’s and a short PyTorch continuation’s',
  },

  // ---- Share links (#mkd1.…) ----
  linkHashChars: {
    value: 32 * 1024,
    unit: 'characters',
    display: '32 768 characters',
    what: 'characters of a share link’s fragment',
    why: 'what browsers and chat apps carry reliably; checked before decoding',
  },
  linkPayloadBytes: {
    value: 2 * MiB,
    unit: 'bytes',
    display: '2 MiB',
    what: 'decompressed payload of a share link (inflated into a fixed buffer of this size + 1)',
    why: 'a deflate bomb in 32 KB cannot allocate more',
  },
  linkPreviews: {
    value: 16,
    unit: 'scenes',
    display: '16 scenes',
    what: 'preview scenes in a link',
    why: 'the gallery shows 4; 16 leaves room for custom previews',
  },
  linkMaskSide: {
    value: 128,
    unit: 'pixels',
    display: '128 pixels',
    what: 'side of a mask image embedded in a link',
    why: 'masks are drawn over 64–128 px scenes',
  },
  linkAbsValue: {
    value: 1e6,
    unit: 'magnitude',
    display: 'magnitude ≤ 10⁶',
    what: 'every float in a link or run file (tokens, branch weights)',
    why: 'trained tokens are of order 1; beyond this a value is damage, and 16-bit quantisation would lose it',
  },
  linkStringChars: {
    value: 64,
    unit: 'characters',
    display: '64 characters',
    what: 'identifiers in a link (model ids, tap layer)',
    why: 'plain identifiers only, never URLs or markup',
  },

  // ---- What can be many, and what a message may repeat (issue 25) ----
  safetensorsMetadataEntries: {
    value: 1_000,
    unit: 'entries',
    display: '1 000 entries',
    what: 'entries of a .safetensors header’s "__metadata__", counted in the header’s bytes before it is parsed',
    why: 'a token export writes a handful; a 56 MB header of millions of entries took 48 s and 2 GB to parse',
  },
  runFileSeries: {
    value: 1_000,
    unit: 'series',
    display: '1 000 series',
    what: 'loss and metric series in a run file or history JSON (each a chart line and a legend entry)',
    why: 'a comparison of every method over every stage draws a few dozen; a million one-point series would be a million lines',
  },
  datasetDecodePixels: {
    value: 2 ** 31,
    unit: 'pixels',
    display: '2 147 483 648 pixels (128 × 4096²)',
    what: 'pixels of all images and label maps of one dataset drop together, read from their headers before the first is decoded',
    why: 'decoding is the slow part of a load (tens of seconds per thousand megapixels); 2 000 images of 1024² with labels fit, thousands of 4096² images do not',
  },
  quoteChars: {
    value: 80,
    unit: 'characters',
    display: '80 characters',
    what: 'text from a file (tensor, weight and layer names, shapes, keys) quoted in one message',
    why: 'enough to recognise a name; a refusal that repeated a 30 M-character name took 10 s to lay out',
  },
  noticeChars: {
    value: 1_000,
    unit: 'characters',
    display: '1 000 characters',
    what: 'text of one notice on the page (longer text is cut, with a mark)',
    why: 'the longest notice the page writes is under 500 characters; a notice is read, not scrolled',
  },
} as const satisfies Record<string, LimitSpec>;

export type LimitKey = keyof typeof LIMITS;

/** "the 64 MiB limit on bytes of a run file, …": how messages name a limit. */
export function limitText(key: LimitKey): string {
  return `the ${LIMITS[key].display} limit`;
}
