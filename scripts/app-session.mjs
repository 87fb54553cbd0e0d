// Opens a page of the built playground in headless Chromium (WebGPU flags) for scripts that drive
// it: builds into dist/ when asked, serves dist/ with `vite preview` on 127.0.0.1.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { chromiumArgs, findChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * build: 'always' | 'if-missing' (when dist/ lacks the page) | 'never'. port 0 picks a free one.
 * ready: evaluated in the page until truthy (default: the app's `window.maskd` handle).
 * onConsole: receives every console message (default: warnings and errors go to `log`).
 * @param {import('./app-session.d.mts').AppPageOptions} [options]
 * @returns {Promise<import('./app-session.d.mts').AppPage>}
 */
export async function openAppPage({
  build: when = 'always',
  port = 0,
  path = '/',
  ready = () => typeof window.maskd !== 'undefined',
  log = console.error,
  onConsole,
} = {}) {
  const page404 = !existsSync(`${root}dist${path === '/' ? '/index.html' : path}`);
  if (when === 'always' || (when === 'if-missing' && page404)) {
    log('[app-session] building the app…');
    await build({ root, logLevel: 'warn' });
  }
  const server = await preview({ root, preview: { host: '127.0.0.1', port, strictPort: port !== 0 }, logLevel: 'warn' });
  const address = server.httpServer.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}${path}`;
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium found: install it (apt-get install chromium) or set MASKD_CHROMIUM');
  const browser = await chromium.launch({ executablePath, args: chromiumArgs(), headless: true });
  const page = await browser.newPage();
  page.on(
    'console',
    onConsole ?? ((m) => (m.type() === 'error' || m.type() === 'warning') && log(`[page ${m.type()}] ${m.text()}`)),
  );
  page.on('pageerror', (e) => log(`[page error] ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(ready);
  return {
    page,
    url,
    browserVersion: browser.version(),
    async close() {
      await browser.close();
      await new Promise((resolve) => server.httpServer.close(resolve));
    },
  };
}
