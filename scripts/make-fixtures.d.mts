// Types for make-fixtures.mjs (plain Node ESM), so TypeScript tests can import it.
export type FixtureFiles = Record<string, Uint8Array>;
export declare function makeFixtures(): Promise<Record<string, FixtureFiles>>;
export declare function writeFixtures(outDir: string): Promise<string[]>;
