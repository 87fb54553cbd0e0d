// Opens the kernels harness page (e2e/harness/kernels.html) in headless Chromium with WebGPU:
// builds the app when dist/ lacks the page (or when asked), serves dist/ with Vite's preview
// server on a free port, and returns the page plus a close() for all of it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { chromiumArgs, findChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const HARNESS = 'e2e/harness/kernels.html';

export async function openKernelsPage({ rebuild = false, port = 0 } = {}) {
  if (rebuild || !existsSync(`${root}dist/${HARNESS}`)) {
    await build({ root, logLevel: 'warn' });
  }
  const server = await preview({ root, logLevel: 'warn', preview: { host: '127.0.0.1', port, strictPort: false } });
  const address = server.httpServer.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/${HARNESS}`;
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium found: install it (apt-get install chromium) or set MASKD_CHROMIUM');
  const browser = await chromium.launch({ executablePath, args: chromiumArgs(), headless: true });
  const page = await browser.newPage();
  const logs = [];
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') logs.push(`${m.type()}: ${m.text()}`);
    else if (m.text().startsWith('bench ')) process.stderr.write(`${m.text()}\n`);
  });
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  await page.goto(url);
  const backend = await page.evaluate(() => window.maskdKernels.ready);
  if (backend !== 'webgpu') throw new Error(`the harness runs on ${backend}, not webgpu`);
  return {
    page,
    browserVersion: browser.version(),
    logs,
    url,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.httpServer.close(resolve));
    },
  };
}
