// The page's FileParser: each token or run file is parsed in a worker of its own, which ends with
// the reply. The size is checked here first, from File.size (nothing is read or posted when it is
// over the limit); the file goes to the worker as a Blob (the worker reads it). A refusal comes back
// as its own class (TokenImportError, RunFileError); a worker that dies (out of memory, a crash)
// is a refusal of the same class, and so is one that runs past LIMITS.fileParseSeconds; the page
// is as it was.
import { LIMITS, limitText } from '../limits';
import { clip } from '../messageQuote';
import { runOneShot, type OneShotWorker } from '../oneShotWorker';
import { RunFileError, type ParsedRunFile } from '../share/runFile';
import { TokenImportError, type ImportedTokens } from '../share/tokenImport';
import { checkRunFileSize, checkTokenFileSize, type FileParser, type PickedFile } from './fileParser';
import type { ParseReply, ParseRequest } from './fileParseMessages';

/** The Worker API this needs (a browser Worker satisfies it). */
export type ParseWorker = OneShotWorker<ParseRequest, ParseReply>;

async function asBlob(file: PickedFile): Promise<Blob> {
  return typeof Blob !== 'undefined' && file instanceof Blob ? file : new Blob([await file.arrayBuffer()]);
}

function parseIn<T>(spawn: () => ParseWorker, request: ParseRequest, refusal: (message: string) => Error, budgetMs: number): Promise<T> {
  return runOneShot<ParseRequest, ParseReply, T>(spawn(), request, {
    reply: (r) =>
      r.ok
        ? { value: r.value as T }
        : { error: r.name === 'TokenImportError' || r.name === 'RunFileError' ? refusal(r.message) : refusal(`${request.name}: the file could not be read (${clip(r.message)})`) },
    crashed: (why) => ({ error: refusal(`${request.name}: its parser stopped (${clip(why || 'a worker error')}), most likely out of memory; the page is as it was`) }),
    budgetMs,
    timedOut: () => ({ error: refusal(`${request.name}: not read within ${limitText('fileParseSeconds')} (${LIMITS.fileParseSeconds.what}); its parser was stopped and the page is as it was`) }),
  }).result;
}

/** Parses in a fresh worker from `spawn` per file, stopped after `budgetMs`. */
export function workerFileParser(spawn: () => ParseWorker, budgetMs = LIMITS.fileParseSeconds.value * 1000): FileParser {
  return {
    async tokens(file, expect): Promise<ImportedTokens> {
      checkTokenFileSize(file.name, file.size);
      return parseIn(spawn, { kind: 'tokens', name: file.name, data: await asBlob(file), expect }, (m) => new TokenImportError(m), budgetMs);
    },
    async run(file): Promise<ParsedRunFile> {
      checkRunFileSize(file.name, file.size);
      return parseIn(spawn, { kind: 'run', name: file.name, data: await asBlob(file) }, (m) => new RunFileError(m), budgetMs);
    },
  };
}
