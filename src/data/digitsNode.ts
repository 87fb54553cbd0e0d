// Node-only loader (tests and scripts); kept apart so the browser bundle never imports node:fs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDigits, type DigitPools } from './digits';

export const DIGITS_PATH = fileURLToPath(new URL('../../public/data/digits.bin', import.meta.url));

export function loadDigitsNode(path: string = DIGITS_PATH): DigitPools {
  const buf = readFileSync(path);
  return parseDigits(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}
