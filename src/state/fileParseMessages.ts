// What the page and the file-parse worker say to each other (./fileParseWorker.ts).
import type { ParsedRunFile } from '../share/runFile';
import type { ImportedTokens, TokenImportExpectations } from '../share/tokenImport';

export type ParseRequest =
  | { readonly kind: 'tokens'; readonly name: string; readonly data: Blob; readonly expect?: TokenImportExpectations }
  | { readonly kind: 'run'; readonly name: string; readonly data: Blob; readonly expect?: undefined };

export type ParseReply =
  | { readonly ok: true; readonly value: ImportedTokens | ParsedRunFile }
  | { readonly ok: false; readonly name: string; readonly message: string };
