// Test-only: a token file exported as .safetensors into a fresh temp folder, for the Python checks.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokensFile } from '../engine/tokens';
import { buildTokenExport } from './tokenExport';

/** Writes `file`'s export and `sidecar` (as `<sidecarName>`) beside it; returns both paths. */
export function exportToTemp(file: TokensFile, sidecarName: string, sidecar: unknown): { weights: string; sidecar: string } {
  const dir = mkdtempSync(join(tmpdir(), 'maskd-py-'));
  const out = buildTokenExport({
    tokens: file.tokens,
    branch: file.branch,
    config: { task: file.task, tapLayer: 'neck', teacher: `builtin:${file.task}-teacher`, hyperParameters: {} },
    provenance: { app: 'test', appVersion: '0', createdAt: '2026-11-29T00:00:00Z', seed: 1, backend: 'cpu' },
  });
  const paths = { weights: join(dir, out.fileNames.weights), sidecar: join(dir, sidecarName) };
  writeFileSync(paths.weights, out.safetensors);
  writeFileSync(paths.sidecar, JSON.stringify(sidecar));
  return paths;
}
