import { expect, test } from '@playwright/test';

test('the page runs TensorFlow.js on WebGPU and says so', async ({ page }) => {
  await page.goto('/');
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toHaveAttribute('data-phase', 'ready');
  await expect(badge).toHaveAttribute('data-backend', 'webgpu');
  await expect(page.getByTestId('backend-name')).toHaveText(/^WebGPU · \S+/);
  await expect(page.getByTestId('backend-selfcheck')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('backend-fallback')).toHaveCount(0);

  const result = await page.evaluate(async () => {
    const tf = window.maskd.tf;
    // x = [0..11] as [3,4]; y = x·xᵀ + 1, then a softmax row; all read back asynchronously.
    const x = tf.range(0, 12).reshape([3, 4]);
    const y = tf.add(tf.matMul(x, x, false, true), 1);
    const s = tf.softmax(tf.tensor1d([1, 2, 3]));
    const out = { backend: tf.getBackend(), gram: Array.from(await y.data()), softmax: Array.from(await s.data()) };
    tf.dispose([x, y, s]);
    return out;
  });
  expect(result.backend).toBe('webgpu');
  expect(result.gram).toEqual([15, 39, 63, 39, 127, 215, 63, 215, 367]);
  const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
  const z = e[0] + e[1] + e[2];
  result.softmax.forEach((v, i) => expect(v).toBeCloseTo(e[i] / z, 5));
});
