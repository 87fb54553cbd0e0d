import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialHrefs, report, staticImports, TFJS_MARKERS } from './page-bundle.mjs';

/** A dist/ with an index.html and the given assets/ files. */
function fakeDist(html: string, assets: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'page-bundle-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), html);
  for (const [name, code] of Object.entries(assets)) writeFileSync(join(dir, 'assets', name), code);
  return dir;
}

const INDEX = `<script type="module" crossorigin src="/assets/main-a.js"></script>
<link rel="modulepreload" crossorigin href="/assets/react-b.js">
<link rel="stylesheet" crossorigin href="/assets/main.css">`;
const TF = `var e=\`4.22.0\`;j().registerFlag(\`${TFJS_MARKERS[0]}\`,()=>!1);`;

describe('page-bundle', () => {
  it('reads the entry and the modulepreloads of index.html, and a chunk’s static imports only', () => {
    expect(initialHrefs(INDEX)).toEqual({ entry: ['/assets/main-a.js'], preloads: ['/assets/react-b.js'] });
    const code = `import{t as e}from"./rt-x.js";import"./poly-y.js";export{a}from"./re-z.js";const l=()=>import("./lazy-w.js");`;
    expect(staticImports(code).sort()).toEqual(['./poly-y.js', './re-z.js', './rt-x.js']);
  });

  it('passes a page without TF.js whose worker has it, and does not count a lazy chunk', () => {
    const dist = fakeDist(INDEX, {
      'main-a.js': `import"./react-b.js";const tf=()=>import("./consoleTf-c.js");`,
      'react-b.js': 'export const r=1;',
      'consoleTf-c.js': TF,
      'worker-d.js': TF,
    });
    const r = report(dist);
    expect(r.problems).toEqual([]);
    expect(r.page.files.map((f) => f.file)).toEqual(['assets/main-a.js', 'assets/react-b.js']);
  });

  it('fails when TF.js is in the entry, a modulepreload, or a chunk the entry imports statically', () => {
    for (const [where, files] of [
      ['entry', { 'main-a.js': TF, 'react-b.js': '' }],
      ['modulepreload', { 'main-a.js': '', 'react-b.js': TF }],
      ['static import', { 'main-a.js': 'import"./tf-e.js";', 'react-b.js': '', 'tf-e.js': TF }],
    ] as const) {
      const r = report(fakeDist(INDEX, { ...files, 'worker-d.js': TF }));
      expect(r.ok, where).toBe(false);
      expect(r.problems.join('\n'), where).toMatch(/TensorFlow\.js is in the page's initial JS/);
    }
  });

  it('fails when the worker chunk holds none of the markers (they would no longer mean anything)', () => {
    const r = report(fakeDist(INDEX, { 'main-a.js': '', 'react-b.js': '', 'worker-d.js': 'self.onmessage=()=>{}' }));
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toMatch(/update TFJS_MARKERS/);
  });
});
