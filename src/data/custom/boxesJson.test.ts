// The boxes JSON: its limits on hostile input (made here), and fuzzing (a BoxesFile or a
// DatasetError, bounded in time and memory, for any JSON text or value).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertBounded, cpuTimed } from '../../fuzz.testkit';
import { LIMITS } from '../../limits';
import { matchBoxes, parseBoxesJson } from './boxesJson';
import { DatasetError } from './types';

const bytes = (text: string): ArrayBuffer => new TextEncoder().encode(text).slice().buffer;
const json = (v: unknown): ArrayBuffer => bytes(JSON.stringify(v));

describe('boxes JSON limits', () => {
  it('a million class names is refused at once by its count, naming the file and the limit (the old duplicate check was quadratic: 5·10¹¹ comparisons)', () => {
    const data = bytes(`{"classes":[${Array.from({ length: 1_000_000 }, (_, i) => `"c${i}"`).join(',')}],"images":{}}`);
    // JSON.parse of the 9 MB text dominates (about a second); the count check itself is constant
    // time, the quadratic one took hours. CPU time of this process, not wall time: the machine's
    // load does not stretch it.
    const { cpuMs } = cpuTimed(() =>
      expect(() => parseBoxesJson('set/boxes.json', data)).toThrow(/^set\/boxes\.json: "classes" lists 1 000 000 names, over the 64 classes limit on classes of a dataset/),
    );
    expect(cpuMs).toBeLessThan(20_000);
  });

  it('64 distinct names pass; duplicates are found by a set, long names are refused', () => {
    const names = Array.from({ length: 64 }, (_, i) => `c${i}`);
    expect(parseBoxesJson('b.json', json({ classes: names, images: {} })).classes).toHaveLength(64);
    expect(() => parseBoxesJson('b.json', json({ classes: [...names.slice(0, 63), 'c5'], images: {} }))).toThrow(/"classes" names "c5" twice/);
    expect(() => parseBoxesJson('b.json', json({ classes: ['x'.repeat(201)], images: {} }))).toThrow(/"classes"\[0\] is 201 characters long, over the 200 characters limit/);
  });

  it('boxes per image and the file size are capped before the boxes are read', () => {
    const box = { x0: 0, y0: 0, x1: 1, y1: 1, class: 0 };
    expect(parseBoxesJson('b.json', json({ classes: ['a'], images: { 'a.png': Array(LIMITS.boxesPerImage.value).fill(box) } })).images.get('a.png')).toHaveLength(1000);
    expect(() => parseBoxesJson('b.json', json({ classes: ['a'], images: { 'a.png': Array(1001).fill(box) } }))).toThrow(/images\["a\.png"\] lists 1 001 boxes, over the 1 000 boxes limit/);
    // The byte cap is checked on the length alone (a zero-filled buffer is never decoded).
    expect(() => parseBoxesJson('b.json', new ArrayBuffer(LIMITS.boxesJsonBytes.value + 1))).toThrow(/b\.json: is 33\.55 MB, over the 32 MiB limit on bytes of the boxes JSON/);
  });

  it('class names resolve through a map: 1 000 boxes × 64 names stay fast', () => {
    const names = Array.from({ length: 64 }, (_, i) => `class-${i}`);
    const images: Record<string, unknown[]> = {};
    for (let k = 0; k < 100; k++) images[`i${k}.png`] = Array.from({ length: 1000 }, (_, i) => ({ x0: 0, y0: 0, x1: 2, y1: 2, class: names[i % 64] }));
    const text = json({ classes: names, images });
    const { value: f, cpuMs } = cpuTimed(() => parseBoxesJson('b.json', text));
    expect(f.images.size).toBe(100);
    expect(cpuMs).toBeLessThan(3000);
  });
});

/** Text with a few characters replaced, inserted or cut. */
function mutatedText(arb: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(arb, fc.array(fc.tuple(fc.nat(), fc.constantFrom('', '"', '{', '}', '[', ']', ',', ':', '0', '-', 'e9', 'null', 'x')), { minLength: 1, maxLength: 3 })).map(([t, edits]) => {
    let out = t;
    for (const [at, ch] of edits) {
      const i = at % (out.length + 1);
      out = out.slice(0, i) + ch + out.slice(i + 1);
    }
    return out;
  });
}

describe('boxes JSON fuzzing: a BoxesFile or a DatasetError, bounded', () => {
  const box = fc.record(
    {
      x0: fc.oneof(fc.double(), fc.integer({ min: -5, max: 50 }), fc.string({ maxLength: 3 }), fc.constant(null)),
      y0: fc.oneof(fc.double(), fc.integer({ min: -5, max: 50 })),
      x1: fc.oneof(fc.double(), fc.integer({ min: -5, max: 50 })),
      y1: fc.oneof(fc.double(), fc.integer({ min: -5, max: 50 })),
      class: fc.oneof(fc.integer({ min: -2, max: 70 }), fc.constantFrom('a', 'b', '__proto__', 'constructor', ''), fc.double()),
    },
    { requiredKeys: [] },
  );
  const doc = fc.record(
    {
      classes: fc.oneof(fc.array(fc.oneof(fc.constantFrom('a', 'b', 'c', '__proto__', 'toString'), fc.string({ maxLength: 4 })), { maxLength: 70 }), fc.anything({ maxDepth: 2 })),
      images: fc.oneof(fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'a.png', './a.png')), fc.oneof(fc.array(box, { maxLength: 5 }), fc.anything({ maxDepth: 1 })), { maxKeys: 6 }), fc.anything({ maxDepth: 2 })),
    },
    { requiredKeys: [] },
  );
  const validBox = fc
    .record({ x0: fc.integer({ min: 0, max: 20 }), y0: fc.integer({ min: 0, max: 20 }), w: fc.integer({ min: 1, max: 9 }), h: fc.integer({ min: 1, max: 9 }), class: fc.oneof(fc.constantFrom('a', 'b'), fc.nat(1)) })
    .map(({ x0, y0, w, h, class: c }) => ({ x0, y0, x1: x0 + w, y1: y0 + h, class: c }));
  const validDoc = fc.record({
    classes: fc.constant(['a', 'b']),
    images: fc.dictionary(fc.constantFrom('a.png', 'b.png', 'sub/a.png', './b.png'), fc.array(validBox, { maxLength: 4 }), { maxKeys: 3 }),
  });
  const texts = fc.oneof(
    validDoc.map((d) => JSON.stringify(d)),
    mutatedText(validDoc.map((d) => JSON.stringify(d))),
    doc.map((d) => JSON.stringify(d)),
    fc.json({ maxDepth: 4 }),
    fc.string({ maxLength: 200 }),
    doc.chain((d) => fc.nat().map((cut) => JSON.stringify(d).slice(0, cut % (JSON.stringify(d).length + 1)))),
  );

  it('parses any text; what it accepts has valid boxes and classes, and matchBoxes stays typed too', () => {
    const stats = assertBounded(
      texts,
      (text) => {
        const f = parseBoxesJson('b.json', bytes(text));
        expect(f.classes.length).toBeGreaterThan(0);
        expect(f.classes.length).toBeLessThanOrEqual(LIMITS.classes.value);
        for (const boxes of f.images.values()) {
          expect(boxes.length).toBeLessThanOrEqual(LIMITS.boxesPerImage.value);
          for (const b of boxes) expect(b.x1 > b.x0 && b.y1 > b.y0 && Number.isInteger(b.cls) && b.cls >= 0 && b.cls < f.classes.length).toBe(true);
        }
        try {
          matchBoxes('b.json', f, '', ['a.png', 'sub/a.png', 'b.png']);
        } catch (err) {
          if (!(err instanceof DatasetError)) throw err;
        }
      },
      DatasetError,
      { numRuns: 800 },
    );
    expect(stats.accepted).toBeGreaterThan(5);
    expect(stats.refused).toBeGreaterThan(100);
  });
});
