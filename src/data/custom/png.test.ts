import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodeLabelPng, decodePngImage, unpackBits } from './png';

const file = (u8: Uint8Array, path = 'x.png') => ({ path, data: u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength) as ArrayBuffer });

describe('PNG decoding', () => {
  it('unpacks 1-, 2- and 4-bit rows (byte-aligned per row)', () => {
    expect(Array.from(unpackBits([0b10110000, 0b01000000], 3, 2, 1))).toEqual([1, 0, 1, 0, 1, 0]);
    expect(Array.from(unpackBits([0b11100100], 4, 1, 2))).toEqual([3, 2, 1, 0]);
    expect(Array.from(unpackBits([0x5a, 0xf0], 3, 1, 4))).toEqual([5, 10, 15]);
  });

  it('label values are exact for grey, 16-bit grey, palette and grey-as-RGB PNGs', () => {
    const grey = encode({ width: 2, height: 2, data: new Uint8Array([0, 1, 2, 9]), channels: 1, depth: 8 });
    expect(Array.from(decodeLabelPng(file(grey)).values)).toEqual([0, 1, 2, 9]);
    const g16 = encode({ width: 2, height: 1, data: new Uint16Array([3, 300]), channels: 1, depth: 16 });
    expect(Array.from(decodeLabelPng(file(g16)).values)).toEqual([3, 300]);
    const pal = encode({ width: 3, height: 1, data: new Uint8Array([2, 0, 1]), channels: 1, depth: 8, palette: [[0, 0, 0], [255, 0, 0], [0, 255, 0]] });
    expect(Array.from(decodeLabelPng(file(pal)).values)).toEqual([2, 0, 1]);
    const rgb = encode({ width: 2, height: 1, data: new Uint8Array([4, 4, 4, 0, 0, 0]), channels: 3, depth: 8 });
    expect(Array.from(decodeLabelPng(file(rgb)).values)).toEqual([4, 0]);
    const colour = encode({ width: 2, height: 1, data: new Uint8Array([4, 4, 4, 0, 9, 0]), channels: 3, depth: 8 });
    expect(() => decodeLabelPng(file(colour, 'm.png'))).toThrow(/m\.png: is a colour \(RGB\) label map: pixel \(1, 0\) is \(0, 9, 0\)/);
  });

  it('images of any colour type become 8-bit RGB', () => {
    const ga = encode({ width: 1, height: 1, data: new Uint8Array([77, 10]), channels: 2, depth: 8 });
    expect(Array.from(decodePngImage(file(ga)).data)).toEqual([77, 77, 77]);
    const rgba16 = encode({ width: 1, height: 1, data: new Uint16Array([65535, 256, 0, 1]), channels: 4, depth: 16 });
    expect(Array.from(decodePngImage(file(rgba16)).data)).toEqual([255, 1, 0]);
    const pal = encode({ width: 2, height: 1, data: new Uint8Array([1, 0]), channels: 1, depth: 8, palette: [[0, 0, 0], [255, 128, 0]] });
    expect(Array.from(decodePngImage(file(pal)).data)).toEqual([255, 128, 0, 0, 0, 0]);
    expect(() => decodePngImage(file(new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0]), 'bad.png'))).toThrow(/bad\.png: cannot be read as a PNG image/);
  });
});
