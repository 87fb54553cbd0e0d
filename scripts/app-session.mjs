// Opens the built playground in headless Chromium (WebGPU flags) for scripts that drive it:
// builds into dist/ unless told not to, serves it with `vite preview` on 127.0.0.1.
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { chromiumArgs, findChromium } from './chromium.mjs';

export async function openAppPage({ skipBuild = false, port = 4190, path = '/', log = console.error } = {}) {
  if (!skipBuild) {
    log('[app-session] building the app…');
    await build({ logLevel: 'warn' });
  }
  const server = await preview({ preview: { host: '127.0.0.1', port, strictPort: true }, logLevel: 'warn' });
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium found: run `node scripts/ensure-chromium.mjs`');
  const browser = await chromium.launch({ executablePath, args: chromiumArgs(), headless: true });
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log(`[page ${m.type()}] ${m.text()}`);
  });
  page.on('pageerror', (e) => log(`[page error] ${e.message}`));
  await page.goto(`http://127.0.0.1:${port}${path}`);
  await page.waitForFunction(() => typeof window.maskd !== 'undefined');
  const close = async () => {
    await browser.close();
    await new Promise((resolve) => server.httpServer.close(resolve));
  };
  return { page, close };
}
