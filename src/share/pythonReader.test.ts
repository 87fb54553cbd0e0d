// The token export read by scripts/read-token-export.py (Python standard library only): names,
// shapes and PyTorch's OIHW order as the reference MaskModule's load_state_dict expects them.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TokensFile } from '../engine/tokens';
import { exportToTemp } from './tokenExport.testkit';

const script = fileURLToPath(new URL('../../scripts/read-token-export.py', import.meta.url));
const hasPython = spawnSync('python3', ['--version']).status === 0;
const values = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * k) * 3));

/** Exports `exported`, then checks it against `source` (the app's own HWIO copy). */
function runAgainst(exported: TokensFile, source: TokensFile): { status: number | null; stdout: string; stderr: string } {
  const paths = exportToTemp(exported, 'source.json', source);
  const r = spawnSync('python3', [script, paths.weights, '--check-hwio', paths.sidecar], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!hasPython)('scripts/read-token-export.py', () => {
  const T = 3;
  const C = 5;
  const file: TokensFile = {
    version: 1,
    task: 'detection',
    tokens: { name: 'mask_token', shape: [T, C], data: values(T * C, 0.7) },
    branch: {
      'prob.0.weight': { shape: [3, 3, C, C], data: values(9 * C * C, 0.11) },
      'prob.0.bias': { shape: [C], data: values(C, 0.3) },
      'prob.2.weight': { shape: [1, 1, C, T], data: values(C * T, 0.5) },
      'prob.2.bias': { shape: [T], data: values(T, 0.9) },
    },
  };

  it('reads the reference names and shapes and confirms OIHW order element by element', () => {
    const r = runAgainst(file, file);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout.split('\n')[0]);
    expect(summary.tensors).toEqual({
      mask_token: { dtype: 'F32', shape: [T, C] },
      'prob.0.weight': { dtype: 'F32', shape: [C, C, 3, 3] },
      'prob.0.bias': { dtype: 'F32', shape: [C] },
      'prob.2.weight': { dtype: 'F32', shape: [T, C, 1, 1] },
      'prob.2.bias': { dtype: 'F32', shape: [T] },
    });
    expect(r.stdout).toMatch(/layout ok/);
  });

  it('fails when the source does not match (the check can fail)', () => {
    // Two kernel elements swapped in the source: HWIO[y,x,i,o] is no longer the export's element.
    const swapped = structuredClone(file);
    const k = swapped.branch!['prob.0.weight'].data;
    [k[1], k[C]] = [k[C], k[1]];
    const r = runAgainst(file, swapped);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/prob\.0\.weight\[.*\] differs from HWIO/);
    expect(spawnSync('python3', [script, '/dev/null'], { encoding: 'utf8' }).status).not.toBe(0);
  });
});
