// What a bad .onnx gets: an OnnxError with a short message that says what was wrong, before
// anything large is allocated. Truncated files, unsupported ops (op, node and opset named, before
// any weight is read), oversized or damaged initialisers, too many nodes, external data present,
// missing, truncated or outside the model's folder.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuTimed } from '../fuzz.testkit';
import { LIMITS } from '../limits';
import { OnnxError } from './errors';
import { loadOnnx } from './index';
import { fixture, tinyModel, type TinyNode } from './testkit';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The OnnxError `fn` throws (the test fails on anything else). */
function refusal(fn: () => unknown): OnnxError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OnnxError);
    expect((err as Error).message.length).toBeLessThan(300);
    return err as OnnxError;
  }
  throw new Error('expected a refusal, the model loaded');
}

const load = (bytes: Uint8Array, external?: Map<string, Uint8Array>) => () => loadOnnx(bytes, 'model.onnx', external).dispose();

const conv = (weight = 'w'): TinyNode => ({ op: 'Conv', inputs: ['x', weight], outputs: ['y'], name: 'conv', attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } });
const WEIGHTS = Array.from({ length: 4 * 3 * 3 * 3 }, (_, i) => Math.sin(i));

describe('refused .onnx files', () => {
  it('a truncated file, cut anywhere', () => {
    const bytes = fixture('unet-op13.onnx');
    for (const end of [1, 9, 100, 5_000, bytes.length >> 1, bytes.length - 1]) {
      const e = refusal(load(bytes.subarray(0, end)));
      expect(e.message, `cut at ${end}`).toMatch(/^model\.onnx: .*(truncated|not an ONNX model|damaged|no graph)/);
    }
  });

  it('an unsupported op, naming the op, the node and the opset, before any weight is read', () => {
    // The weight's data is damaged (3 bytes for 108 floats): the op is refused first all the same.
    const bytes = tinyModel({
      input: [1, 3, 8, 8],
      nodes: [conv(), { op: 'NonMaxSuppression', inputs: ['y'], outputs: ['z'], name: 'post/nms' }],
      outputs: ['z'],
      inits: { w: { dims: [4, 3, 3, 3], raw: new Uint8Array(3) } },
      opset: 13,
    });
    expect(refusal(load(bytes)).message).toBe('NonMaxSuppression node "post/nms" (opset 13): this op is not supported');
    const attr = tinyModel({ input: [1, 3, 8, 8], nodes: [{ ...conv(), attrs: { kernel_shape: [3, 3], weird: 2 } }], outputs: ['y'], inits: { w: { dims: [4, 3, 3, 3], raw: new Uint8Array(3) } }, opset: 17 });
    expect(refusal(load(attr)).message).toBe('Conv node "conv" (opset 17): attribute "weird" is not supported');
    const domain = tinyModel({ input: [1, 3, 8, 8], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'], name: 'r' }], outputs: ['y'], opset: 19 });
    expect(refusal(load(domain)).message).toMatch(/opset 19 is not supported/);
  });

  it('an initialiser declaring more elements than the parameter cap, from its dims alone (no allocation)', () => {
    const bytes = tinyModel({ input: [1, 3, 8, 8], nodes: [conv()], outputs: ['y'], inits: { w: { dims: [200_000, 3, 3, 3000], raw: new Uint8Array(8) } } });
    const { value: e, cpuMs } = cpuTimed(() => refusal(load(bytes)));
    expect(e.message).toMatch(/a tensor declares 200000×3×3×3000 elements: over .* parameters/);
    expect(cpuMs).toBeLessThan(200);
    // Within the cap but its bytes do not match its dims: damaged.
    const short = tinyModel({ input: [1, 3, 8, 8], nodes: [conv()], outputs: ['y'], inits: { w: { dims: [4, 3, 3, 3], raw: new Uint8Array(40) } } });
    expect(refusal(load(short)).message).toMatch(/tensor "w": 40 bytes of data for 108 values of 4 bytes: the file is damaged or truncated/);
  });

  it('more nodes than the cap, counted on the wire before decoding', () => {
    const n = LIMITS.modelLayers.value + 1;
    const nodes: TinyNode[] = Array.from({ length: n }, (_, i) => ({ op: 'Relu', inputs: [i ? `v${i - 1}` : 'x'], outputs: [`v${i}`] }));
    const bytes = tinyModel({ input: [1, 3, 4, 4], nodes, outputs: [`v${n - 1}`] });
    expect(refusal(load(bytes)).message).toMatch(new RegExp(`more than ${LIMITS.modelLayers.value} nodes`));
  });

  it('a name of a million characters is quoted short', () => {
    const name = 'n'.repeat(1_000_000);
    const bytes = tinyModel({ input: [1, 3, 8, 8], nodes: [{ op: 'FancyOp', inputs: ['x'], outputs: ['y'], name }], outputs: ['y'] });
    expect(refusal(load(bytes)).message).toMatch(/^FancyOp node "n{40,48}…" \(1 000 000 characters\) \(opset 13\): this op is not supported$/);
  });
});

describe('external data', () => {
  const floats = new Uint8Array(Float32Array.from(WEIGHTS).buffer);
  const withExternal = (location: string, offset = 0) => tinyModel({
    input: [1, 3, 8, 8], nodes: [conv()], outputs: ['y'],
    inits: { w: { dims: [4, 3, 3, 3], external: { location, offset: String(offset), length: String(floats.length) } } },
  });
  const x = () => tf.tensor4d(Float32Array.from({ length: 3 * 64 }, (_, i) => Math.cos(i)), [1, 8, 8, 3]);

  it('present: the weights come from the file beside the model, at its offset', () => {
    const inline = loadOnnx(tinyModel({ input: [1, 3, 8, 8], nodes: [conv()], outputs: ['y'], inits: { w: { dims: [4, 3, 3, 3], values: WEIGHTS } } }), 'inline.onnx');
    const data = new Uint8Array(16 + floats.length);
    data.set(floats, 16);
    const external = loadOnnx(withExternal('model.onnx.data', 16), 'model.onnx', new Map([['model.onnx.data', data]]));
    const input = x();
    const [a] = inline.run(input), [b] = external.run(input);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([input, a, b]);
    inline.dispose();
    external.dispose();
  });

  it('missing: the message names the file to add', () => {
    expect(refusal(load(withExternal('weights.bin'))).message).toBe('tensor "w" keeps its data in "weights.bin": add that file beside the .onnx (drop both together)');
  });

  it('truncated: the bytes it needs lie past the end of the file', () => {
    const e = refusal(load(withExternal('weights.bin', 8), new Map([['weights.bin', floats]])));
    expect(e.message).toBe(`tensor "w": bytes 8–${8 + floats.length} lie past the end of "weights.bin" (${floats.length} bytes): the file is truncated`);
  });

  it('outside the model\'s folder: refused by its location alone', () => {
    for (const location of ['../secrets.bin', '/etc/passwd', 'a\\..\\b']) {
      expect(refusal(load(withExternal(location), new Map([[location, floats]]))).message).toMatch(/is not a file name beside the model/);
    }
  });
});
