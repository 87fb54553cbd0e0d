// ONNX in the page, end to end on wasm and on WebGPU (the built app, `?backend=…`): a U-Net exported by
// PyTorch (src/onnx/fixtures, scripts/make-onnx-fixtures.py) dropped on the teacher card of the
// segmentation demo, its masks drawn after a short Learn masks; another dropped as the student, a
// short Distill; Export → Student (.onnx) downloads a file that ONNX Runtime (onnxruntime-web's WASM
// build, in this Node process) runs to the page's own student output on the same input.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { readNpy } from '../src/onnx/npy';
import { relError } from '../src/onnx/relError';
import { setNumber, waitForMasks, setDistillBudget } from './pageHelpers';

const FIXTURES = fileURLToPath(new URL('../src/onnx/fixtures/', import.meta.url));
ort.env.wasm.numThreads = 1;

/** Drops one fixture file on `target` as a real drop event (a DataTransfer of a File). */
async function dropOnnx(page: Page, target: Locator, name: string): Promise<void> {
  const b64 = readFileSync(FIXTURES + name).toString('base64');
  const dt = await page.evaluateHandle(
    ([n, data]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], n));
      return dt;
    },
    [name, b64] as const,
  );
  await target.dispatchEvent('dragover', { dataTransfer: dt });
  await target.dispatchEvent('drop', { dataTransfer: dt });
  await dt.dispose();
}

/** Clicks a run button and waits for that run to end at `steps`, with no error shown. */
async function runTo(page: Page, button: string, steps: number): Promise<void> {
  const runs = await page.evaluate(() => window.maskd.state().progress?.runId ?? 0);
  await page.getByTestId(button).click();
  await expect.poll(() => page.evaluate(() => window.maskd.state().progress?.runId ?? 0), { timeout: 60_000 }).toBeGreaterThan(runs);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  expect(Number(await page.getByTestId('run-status').getAttribute('data-step'))).toBe(steps);
  await expect(page.locator('[data-testid^="message-"][data-level="error"]')).toHaveCount(0);
}

/** NCHW → NHWC (or back, with `back`), row-major. */
function permute(data: Float32Array, [n, a, b, c]: readonly number[], back = false): Float32Array {
  // Forward: [n, C=a, H=b, W=c] → [n, H, W, C]. Back: [n, H=a, W=b, C=c] → [n, C, H, W].
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++) {
    for (let x = 0; x < a; x++) {
      for (let y = 0; y < b; y++) {
        for (let z = 0; z < c; z++) {
          const from = ((i * a + x) * b + y) * c + z;
          out[back ? ((i * c + z) * a + x) * b + y : ((i * b + y) * c + z) * a + x] = data[from];
        }
      }
    }
  }
  return out;
}

for (const backend of ['wasm', 'webgpu'] as const) {
  test(`${backend}: an ONNX teacher draws its masks, an ONNX student distils, and its exported .onnx runs in ONNX Runtime to the page's output`, async ({ page }) => {
    await page.goto(`/?backend=${backend}`);
    await expect(page.getByTestId('run-learn-masks')).toBeEnabled({ timeout: 60_000 });
    await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', backend);
    await page.getByTestId('export-menu-button').click();
    const exportOnnx = page.getByTestId('export-student-onnx');
    // The built-in student: the ONNX export is off and says why.
    await expect(exportOnnx).toBeDisabled();
    await expect(exportOnnx).toHaveAttribute('title', /built-in one: load an \.onnx student/);

    // Teacher: a PyTorch U-Net (opset 13) on the teacher card; label-free on the digit scenes.
    await dropOnnx(page, page.getByTestId('drop-teacher'), 'unet-op13.onnx');
    await expect(page.getByTestId('model-teacher-source')).toContainText('unet-op13.onnx', { timeout: 60_000 });
    await setNumber(page, 'mask-steps', 3);
    await setNumber(page, 'mask-batch', 2);
    await runTo(page, 'run-learn-masks', 3);
    await waitForMasks(page, 30_000);

    // Student: another U-Net export (opset 17), distilled for 2 steps.
    await dropOnnx(page, page.getByTestId('drop-student'), 'unet-op17.onnx');
    await expect(page.getByTestId('model-student-source')).toContainText('unet-op17.onnx', { timeout: 60_000 });
    await setDistillBudget(page, { steps: 2, batch: 2, evalEvery: 2, valCount: 4 });
    await runTo(page, 'run-distill', 2);

    // Export → Student (.onnx).
    if (!(await exportOnnx.isVisible())) await page.getByTestId('export-menu-button').click();
    await expect(exportOnnx).toBeEnabled();
    const [download] = await Promise.all([page.waitForEvent('download'), exportOnnx.click()]);
    expect(download.suggestedFilename()).toBe('maskd-student-segmentation-unet-op17.onnx');
    const bytes = new Uint8Array(readFileSync((await download.path())!));

    // The page's student on PyTorch's fixed input (NHWC in the page), and ONNX Runtime on the file.
    const input = readNpy(new Uint8Array(readFileSync(FIXTURES + 'unet.input.npy')));
    const page_ = await page.evaluate(async ({ data, shape }) => {
      const r = await window.maskd.engine().studentOutput({ data: Float32Array.from(data), shape });
      return { data: Array.from(r.data), shape: [...r.shape] };
    }, { data: Array.from(permute(input.data, input.shape)), shape: [input.shape[0], input.shape[2], input.shape[3], input.shape[1]] });
    const session = await ort.InferenceSession.create(bytes);
    const out = (await session.run({ input: new ort.Tensor('float32', input.data, input.shape) })).output;
    await session.release();
    expect([...out.dims]).toEqual([page_.shape[0], page_.shape[3], page_.shape[1], page_.shape[2]]);
    const pageNchw = permute(Float32Array.from(page_.data), page_.shape, true);
    const err = relError(pageNchw, out.data as Float32Array);
    console.log(`${backend}: exported student vs page: max relative error ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-4);
    // The file holds the trained weights: the original export gives another output.
    const before = await ort.InferenceSession.create(new Uint8Array(readFileSync(FIXTURES + 'unet-op17.onnx')));
    const untrained = (await before.run({ input: new ort.Tensor('float32', input.data, input.shape) })).output.data as Float32Array;
    await before.release();
    expect(relError(untrained, out.data as Float32Array)).toBeGreaterThan(1e-3);
  });
}
