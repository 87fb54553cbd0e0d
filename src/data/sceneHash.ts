import type { Scene } from './scenes';

function fnv1a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** FNV-1a over a scene's image bytes then its labels: equal hashes mean bit-identical scenes. */
export function sceneHash(s: Scene): string {
  const img = new Uint8Array(s.image.buffer, s.image.byteOffset, s.image.byteLength);
  return fnv1a(s.labels, fnv1a(img)).toString(16);
}
