import { describe, expect, it } from 'vitest';
import { contentSource, sha256Hex } from './contentHash';

describe('content hash', () => {
  it('is the standard SHA-256', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('labels a source with it', async () => {
    expect(await contentSource('teacher', new Uint8Array(0))).toBe('teacher · sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
