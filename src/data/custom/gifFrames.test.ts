// GIF sizes: the largest of the logical screen and every frame, read from the blocks before any
// decoder runs. Property-based over generated GIF structures (screens, frames with offsets, colour
// tables, extensions, data sub-blocks); the issue-25 case (a 1×1 screen over a 4097² frame) is
// refused from its headers with the decoder never called; mutated GIFs give a size or a refusal.
import { encode } from 'fast-png';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { assertBounded, bufferOf, mutatedBytes } from '../../fuzz.testkit';
import { readGifExtent } from './gifFrames';
import { checkedImageHeader } from './imageHeader';
import { parseDataset } from './parse';
import { DatasetError } from './types';

interface Frame {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly localTable: number | null;
  readonly data: readonly number[];
}

interface GifSpec {
  readonly width: number;
  readonly height: number;
  readonly globalTable: number | null;
  readonly extensions: readonly (readonly number[])[];
  readonly frames: readonly Frame[];
}

const le16 = (v: number) => [v & 255, v >> 8];
/** Sub-blocks of `data` (at most 255 bytes each), then the 0 terminator. */
function subBlocks(data: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 255) {
    const part = data.slice(i, i + 255);
    out.push(part.length, ...part);
  }
  return [...out, 0];
}

function gif(spec: GifSpec): Uint8Array {
  const table = (bits: number | null) => (bits === null ? [] : Array(3 * (1 << (bits + 1))).fill(7));
  const packed = (bits: number | null) => (bits === null ? 0 : 0x80 | bits);
  const out = [...Array.from('GIF89a', (c) => c.charCodeAt(0)), ...le16(spec.width), ...le16(spec.height), packed(spec.globalTable), 0, 0, ...table(spec.globalTable)];
  for (const e of spec.extensions) out.push(0x21, 0xf9, ...subBlocks(e));
  for (const f of spec.frames) {
    out.push(0x2c, ...le16(f.left), ...le16(f.top), ...le16(f.width), ...le16(f.height), packed(f.localTable), ...table(f.localTable), 2, ...subBlocks(f.data));
  }
  out.push(0x3b);
  return Uint8Array.from(out);
}

const side = fc.integer({ min: 0, max: 65_535 });
const frame: fc.Arbitrary<Frame> = fc.record({
  left: fc.integer({ min: 0, max: 300 }),
  top: fc.integer({ min: 0, max: 300 }),
  width: side,
  height: side,
  localTable: fc.option(fc.integer({ min: 0, max: 7 })),
  data: fc.array(fc.nat(255), { maxLength: 600 }),
});
const spec: fc.Arbitrary<GifSpec> = fc.record({
  width: side,
  height: side,
  globalTable: fc.option(fc.integer({ min: 0, max: 7 })),
  extensions: fc.array(fc.array(fc.nat(255), { maxLength: 300 }), { maxLength: 3 }),
  frames: fc.array(frame, { maxLength: 6 }),
});

describe('a GIF is sized by its largest frame', () => {
  it('the extent is the largest of the screen and every frame (generated GIFs)', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const extent = readGifExtent(gif(s));
        expect(extent).toEqual({
          width: Math.max(s.width, ...s.frames.map((f) => f.left + f.width)),
          height: Math.max(s.height, ...s.frames.map((f) => f.top + f.height)),
          frames: s.frames.length,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('a 1×1 screen with a 4097² frame is refused from its headers; the decoder is never called', async () => {
    const bomb = gif({ width: 1, height: 1, globalTable: 0, extensions: [], frames: [{ left: 0, top: 0, width: 4097, height: 4097, localTable: null, data: [0x44, 0x01] }] });
    expect(bomb.length).toBeLessThan(40);
    expect(() => checkedImageHeader('set/bomb.gif', bomb, 'image')).toThrow(
      /^set\/bomb\.gif: is too large: its GIF header says 4 097×4 097 = 16 785 409 pixels, over the 16 777 216 pixels \(4096²\) limit per image; it was not decoded/,
    );
    const decodeImage = vi.fn(async () => ({ width: 1, height: 1, data: new Uint8Array(3) }));
    const small = encode({ width: 2, height: 2, data: new Uint8Array(12), channels: 3, depth: 8 });
    await expect(parseDataset([{ path: 'set/bomb.gif', data: bufferOf(bomb) }, { path: 'set/z.png', data: bufferOf(small) }], { decodeImage })).rejects.toBeInstanceOf(DatasetError);
    expect(decodeImage).not.toHaveBeenCalled();
    // A frame inside the screen changes nothing; one sticking out by its offset counts too.
    const inside = gif({ width: 64, height: 64, globalTable: null, extensions: [], frames: [{ left: 8, top: 8, width: 32, height: 32, localTable: 1, data: [1] }] });
    expect(checkedImageHeader('ok.gif', inside, 'image')).toEqual({ format: 'gif', width: 64, height: 64 });
    const offset = gif({ width: 64, height: 64, globalTable: null, extensions: [], frames: [{ left: 16_380, top: 0, width: 8, height: 8, localTable: null, data: [] }] });
    expect(() => checkedImageHeader('far.gif', offset, 'image')).toThrow(/16 388×64 pixels, and a side may be at most 16 384/);
  });

  it('mutated and cut GIFs give a size or a DatasetError, bounded', () => {
    const valid = spec.map(gif);
    assertBounded(fc.oneof(valid, mutatedBytes(valid)), (b) => checkedImageHeader('x.gif', b, 'image'), DatasetError, { numRuns: 300 });
  });
});
