// Rasterises an SVG to a small PNG in headless Chromium (the same browser the tests use): the
// text and anti-aliasing come from the browser, the palette reduction from e2e/screenshotPng.ts.
import { writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { indexedPng } from '../e2e/screenshotPng';
import { chromiumArgs, findChromium } from './chromium.mjs';

export async function writeSvgPng(svg: string, path: string, scale = 2): Promise<number> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium found: install it (apt-get install chromium) or set MASKD_CHROMIUM');
  const browser = await chromium.launch({ executablePath, args: chromiumArgs(), headless: true });
  try {
    const page = await browser.newPage({ deviceScaleFactor: scale });
    await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
    const png = await page.locator('svg').screenshot({ animations: 'disabled' });
    const small = indexedPng(png);
    writeFileSync(path, small);
    return small.length;
  } finally {
    await browser.close();
  }
}
