// Types for make-dataset-fixtures.mjs (plain Node ESM), so TypeScript tests can import it.
export interface FixtureFile {
  path: string;
  data: ArrayBuffer;
}
export interface FixtureSet {
  files: FixtureFile[];
  /** Pattern (RegExp source) of the loader's message for a broken set; null for a valid one. */
  expect: string | null;
}
export declare const FIXTURE_SIZE: number;
export declare const FIXTURE_IMAGES: number;
export declare const FIXTURE_CLASSES: string[];
export declare function makeScene(
  seed: number,
  size?: number,
): { image: Uint8Array; labels: Uint8Array; boxes: { x0: number; y0: number; x1: number; y1: number; class: number | string }[] };
export declare function makeDatasetFixtures(): Record<string, FixtureSet>;
export declare function writeDatasetFixtures(outDir: string): Record<string, FixtureSet>;
