// npm run onnx:check's measurements on the committed fixtures: op counts, taps, the error against
// ONNX Runtime and against PyTorch's expected output; a wrong expected array fails the check.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { BackendAllocationError } from '../src/backends/wasm/allocGuard';
import { useWasmBackend } from '../src/backends/wasm/node';
import { OnnxError } from '../src/onnx/errors';
import { fixture, npy } from '../src/onnx/testkit';
import { checkOnnx, describeCheckError, formatOnnxCheck, ONNX_CHECK_TOLERANCE } from './onnxCheck';

beforeAll(async () => {
  await useWasmBackend();
});
ort.env.wasm.numThreads = 1;

describe('onnx:check', () => {
  it('reports the U-Net\'s ops and taps and passes against ONNX Runtime and PyTorch\'s output', async () => {
    const report = await checkOnnx({
      bytes: fixture('unet-op17.onnx'),
      file: 'unet-op17.onnx',
      given: { input: npy('unet.input.npy'), expected: npy('unet.expected.npy') },
    });
    expect(Object.fromEntries(report.ops)).toMatchObject({ Conv: 11, BatchNormalization: 10, ConvTranspose: 1, Concat: 2, MaxPool: 2 });
    expect(report.input.shape).toEqual([2, 3, 32, 32]);
    // Every 4-D value with its NHWC shape and stride; the skips cross the bottleneck, so the
    // default is the widest clean cut, the decoder's last concat (src/onnx/taps.test.ts).
    expect(report.taps.filter((t) => t.stride === 4).every((t) => t.notTap)).toBe(true);
    expect(report.suggested).toBe('/Concat_1_output_0');
    expect(report.vsRuntime[0].relError).toBeLessThan(1e-5);
    expect(report.vsExpected).toBeLessThan(1e-5);
    expect(report.vsRuntimeOnGiven).toBeLessThan(1e-5);
    expect(report.ok).toBe(true);
    expect(formatOnnxCheck(report)).toMatch(/OK \(every error ≤ 0\.0001\)/);
  });

  it('fails when the expected array is not the model\'s output', async () => {
    const wrong = npy('unet.expected.npy');
    const data = Float32Array.from(wrong.data, (v, i) => (i === 7 ? v + 1 : v));
    const report = await checkOnnx({ bytes: fixture('unet-op13.onnx'), file: 'unet-op13.onnx', given: { input: npy('unet.input.npy'), expected: { shape: wrong.shape, data } } });
    expect(report.vsExpected).toBeGreaterThan(ONNX_CHECK_TOLERANCE);
    expect(report.ok).toBe(false);
    expect(formatOnnxCheck(report)).toMatch(/FAILED/);
  });

  it('prints an error that stopped it as one line: a refusal exits 2, anything else 3', () => {
    expect(describeCheckError(new OnnxError('Foo node "x": this op is not supported'))).toEqual({ line: 'refused: Foo node "x": this op is not supported', code: 2 });
    const alloc = describeCheckError(new BackendAllocationError('a float32 tensor [49,3,24,960,256] of 3.47 GB is over the 2 GiB limit', 3468165120));
    expect(alloc).toEqual({ line: 'refused by the wasm backend: a float32 tensor [49,3,24,960,256] of 3.47 GB is over the 2 GiB limit', code: 2 });
    const other = new TypeError('x is not a function\n    at somewhere (file.ts:1:1)');
    expect(describeCheckError(other)).toEqual({ line: 'error: TypeError: x is not a function', code: 3 });
    expect(describeCheckError('a string')).toEqual({ line: 'error: a string', code: 3 });
  });
});
