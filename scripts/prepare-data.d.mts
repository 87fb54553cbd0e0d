// Types for prepare-data.mjs (plain Node ESM), so TypeScript tests can import it.
export declare const FORMAT_VERSION: number;
export declare const TRAIN_PER_CLASS: number;
export declare const VAL_PER_CLASS: number;
export declare const TEST_PER_CLASS: number;
export declare const HEADER_BYTES: number;
export interface DigitsManifest {
  version: number;
  source: string;
  trainPerClass: number;
  valPerClass: number;
  testPerClass: number;
  file: string;
  bytes: number;
  sha256: string;
  rows: number;
  cols: number;
  train: { count: number; perClass: number; sourceIndices: string };
  val: { count: number; perClass: number; sourceIndices: string };
  test: { count: number; perClass: number; sourceIndices: string };
  layout: string;
  license: string;
}
export declare function buildDigitsBinary(
  lists: number[][],
  trainPerClass?: number,
  valPerClass?: number,
  testPerClass?: number,
): { bin: Uint8Array; manifest: DigitsManifest };
export declare function isCurrent(outDir: string, trainPerClass?: number, valPerClass?: number, testPerClass?: number): boolean;
export declare function prepareDigits(options?: {
  outDir?: string;
  mnistDir?: string;
  force?: boolean;
  trainPerClass?: number;
  valPerClass?: number;
  testPerClass?: number;
}): 'skipped' | 'written';
