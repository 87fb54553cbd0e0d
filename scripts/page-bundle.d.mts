export declare const TFJS_MARKERS: readonly string[];
export declare function tfjsMarkersIn(text: string): string[];
export declare function initialHrefs(html: string): { entry: string[]; preloads: string[] };
export declare function staticImports(code: string): string[];
export interface BundleFile {
  file: string;
  why: string;
  raw: number;
  gzip: number;
  markers: string[];
}
export declare function pageBundle(dist: string): { files: BundleFile[]; raw: number; gzip: number; tfjs: BundleFile[] };
export declare function workerChunk(dist: string): { file: string; raw: number; markers: string[] } | null;
export declare function report(dist: string): {
  ok: boolean;
  text: string;
  problems: string[];
  page: ReturnType<typeof pageBundle>;
  worker: ReturnType<typeof workerChunk>;
};
