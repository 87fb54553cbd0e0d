import { describe, expect, it } from 'vitest';
import { classColour, previewPixels } from './datasetPreview';

describe('dataset preview pixels', () => {
  it('tints labelled pixels half-way to the class colour and leaves background as is', () => {
    const px = previewPixels({ file: 'a.png', height: 1, width: 2, image: new Float32Array([0, 0, 0, 1, 1, 1]), labels: new Uint8Array([0, 2]), boxes: [] });
    expect(Array.from(px.slice(0, 4))).toEqual([0, 0, 0, 255]);
    const c = classColour(2);
    expect(Array.from(px.slice(4, 7))).toEqual(c.map((v) => Math.round(127.5 + v / 2)));
  });

  it('outlines boxes in the colour of class + 1, inside the image', () => {
    const px = previewPixels({ file: 'b.png', height: 4, width: 4, image: new Float32Array(48), labels: null, boxes: [{ x0: 1, y0: 1, x1: 3, y1: 9, cls: 0 }] });
    const at = (x: number, y: number) => Array.from(px.slice((y * 4 + x) * 4, (y * 4 + x) * 4 + 3));
    expect(at(1, 1)).toEqual(classColour(1));
    expect(at(2, 3)).toEqual(classColour(1)); // clipped bottom edge
    expect(at(0, 0)).toEqual([0, 0, 0]);
  });

  it('class colours differ for the first classes', () => {
    const set = new Set(Array.from({ length: 8 }, (_, i) => classColour(i + 1).join(',')));
    expect(set.size).toBe(8);
  });
});
