// The generated fixture models (scripts/make-fixtures.mjs) as ModelFile lists, for Node tests.
import { makeFixtures } from '../../scripts/make-fixtures.mjs';
import type { DeviceLimits, ModelFile } from './modelFiles';

let cache: Promise<Record<string, Record<string, Uint8Array>>> | null = null;

export async function fixture(name: string): Promise<ModelFile[]> {
  cache ??= makeFixtures();
  const files = (await cache)[name];
  if (!files) throw new Error(`no fixture ${name}`);
  return Object.entries(files).map(([file, bytes]) => ({ name: `${name}/${file}`, data: bytes.slice().buffer }));
}

/** SwiftShader's WebGPU limits (1 GiB per binding). */
export const LIMITS: DeviceLimits = { maxTensorBytes: 2 ** 30, maxTotalBytes: 2 ** 31, source: 'test limits' };
