// Where dropped token and run files are parsed. On the page, in a throwaway worker
// (./workerFileParser.ts, set by main.tsx): a 64 MiB JSON or safetensors header never blocks the
// page's main thread, and an out-of-memory there ends that worker only. In Node (the store tests and
// scripts) there is no Worker: the same parsers run in the calling thread. Either way the size is
// checked from File.size before a byte is read, and a refusal is the parser's own error class.
import { checkRunFileSize, readRunFile, type ParsedRunFile } from '../share/runFile';
import { checkTokenFileSize, importTokens, type ImportedTokens, type TokenImportExpectations } from '../share/tokenImport';

/**
 * A file the user dropped or picked (a browser File satisfies it). Its size is checked against
 * the limit for its kind before a byte of it is read.
 */
export interface PickedFile {
  readonly name: string;
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}

export interface FileParser {
  /** A .safetensors MaskModule state dict; throws a TokenImportError. */
  tokens(file: PickedFile, expect: TokenImportExpectations): Promise<ImportedTokens>;
  /** A run file; throws a RunFileError. */
  run(file: PickedFile): Promise<ParsedRunFile>;
}

/** The parsers in the calling thread: what the worker runs, and what Node uses. */
export const inlineFileParser: FileParser = {
  async tokens(file, expect) {
    checkTokenFileSize(file.name, file.size);
    return importTokens(new Uint8Array(await file.arrayBuffer()), expect, file.name);
  },
  run: (file) => readRunFile(file),
};

let current: FileParser = inlineFileParser;

/** The page sets the worker parser (main.tsx); tests may set their own. */
export function setFileParser(parser: FileParser): void {
  current = parser;
}

export function fileParser(): FileParser {
  return current;
}

export { checkRunFileSize, checkTokenFileSize };
