// What the page benchmarks share: the app built into a folder of their own (not dist/, which the
// browser tests serve), served by `vite preview`, and the system Chromium with the flags that give
// it WebGPU (scripts/chromium.mjs).
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { chromiumArgs, findChromium } from './chromium.mjs';

/**
 * Builds `root` into `outDir` (unless `reuse` and a build is there), serves it on `port` (0: a free
 * one) and launches Chromium. `close` stops both.
 * @param {{ root: string, outDir: string, port: number, reuse: boolean, say: (line: string) => void }} options
 * @returns {Promise<{ origin: string, browser: import('@playwright/test').Browser, close: () => Promise<void> }>}
 */
export async function serveBuiltApp({ root, outDir, port, reuse, say }) {
  if (!reuse || !existsSync(`${outDir}/index.html`)) {
    say(`building the app into ${outDir}`);
    await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  }
  const server = await preview({ root, build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: port !== 0 }, logLevel: 'warn' });
  const address = server.httpServer.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium found: install it (apt-get install chromium) or set MASKD_CHROMIUM');
  const browser = await chromium.launch({ executablePath, args: chromiumArgs(), headless: true });
  return {
    origin,
    browser,
    close: async () => {
      await browser.close();
      await new Promise((resolve) => server.httpServer.close(resolve));
    },
  };
}
