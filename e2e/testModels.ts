// The real third-party models the browser tests drop (scripts/fetch-test-models.ts: fetched once
// per machine into a cache outside the clone) and how a spec drops them on the page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type Locator, type Page } from '@playwright/test';
import { fetchTestModels } from '../scripts/fetch-test-models';

/**
 * Registers the spec's beforeAll that makes the models ready and returns their folder's getter.
 * The first run on a machine downloads the 144 MB tarball into the shared cache (checked against
 * the registry's sha512); later runs, from any clone, only hash the extracted files.
 */
export function testModelsDir(): () => string {
  let dir = '';
  test.beforeAll(async () => {
    test.setTimeout(600_000);
    dir = (await fetchTestModels()).dir;
  });
  return () => dir;
}

/** Drops files of the folder `dir` on `target` as a real drop event (a DataTransfer of File objects). */
export async function dropFiles(page: Page, target: Locator, dir: string, names: readonly string[]): Promise<void> {
  const files = names.map((name) => ({ name, b64: readFileSync(join(dir, name)).toString('base64') }));
  const dt = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name));
    return dt;
  }, files);
  await target.dispatchEvent('dragover', { dataTransfer: dt });
  await target.dispatchEvent('drop', { dataTransfer: dt });
  await dt.dispose();
}
