// The page's FileParser: each token or run file is parsed in a worker of its own, which ends with
// the reply. The size is checked here first, from File.size (nothing is read or posted when it is
// over the limit); the file goes to the worker as a Blob (the worker reads it). A refusal comes back
// as its own class (TokenImportError, RunFileError); a worker that dies (out of memory, a crash)
// is a refusal of the same class, and the page is as it was.
import { clip } from '../messageQuote';
import { RunFileError, type ParsedRunFile } from '../share/runFile';
import { TokenImportError, type ImportedTokens } from '../share/tokenImport';
import { checkRunFileSize, checkTokenFileSize, type FileParser, type PickedFile } from './fileParser';
import type { ParseReply, ParseRequest } from './fileParseMessages';

/** The Worker API this needs (a browser Worker satisfies it). */
export interface ParseWorker {
  onmessage: ((e: MessageEvent<ParseReply>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  onmessageerror: ((e: MessageEvent) => void) | null;
  postMessage(message: ParseRequest): void;
  terminate(): void;
}

async function asBlob(file: PickedFile): Promise<Blob> {
  return typeof Blob !== 'undefined' && file instanceof Blob ? file : new Blob([await file.arrayBuffer()]);
}

function parseIn<T>(spawn: () => ParseWorker, request: ParseRequest, refusal: (message: string) => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = spawn();
    const done = (settle: () => void) => {
      worker.terminate();
      settle();
    };
    worker.onmessage = (e) => {
      const r = e.data;
      done(() => (r.ok ? resolve(r.value as T) : reject(r.name === 'TokenImportError' || r.name === 'RunFileError' ? refusal(r.message) : refusal(`${request.name}: the file could not be read (${clip(r.message)})`))));
    };
    const died = (why: string) => done(() => reject(refusal(`${request.name}: its parser stopped (${clip(why)}), most likely out of memory; the page is as it was`)));
    worker.onerror = (e) => {
      e.preventDefault();
      died(e.message || 'a worker error');
    };
    worker.onmessageerror = () => died('its reply could not be read');
    worker.postMessage(request);
  });
}

/** Parses in a fresh worker from `spawn` per file. */
export function workerFileParser(spawn: () => ParseWorker): FileParser {
  return {
    async tokens(file, expect): Promise<ImportedTokens> {
      checkTokenFileSize(file.name, file.size);
      return parseIn(spawn, { kind: 'tokens', name: file.name, data: await asBlob(file), expect }, (m) => new TokenImportError(m));
    },
    async run(file): Promise<ParsedRunFile> {
      checkRunFileSize(file.name, file.size);
      return parseIn(spawn, { kind: 'run', name: file.name, data: await asBlob(file) }, (m) => new RunFileError(m));
    },
  };
}
