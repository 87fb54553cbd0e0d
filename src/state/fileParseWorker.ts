// The throwaway worker that parses one dropped token or run file (./workerFileParser.ts starts
// one per file and ends it after the reply): the page's main thread never runs these parsers.
import { inlineFileParser, type PickedFile } from './fileParser';
import type { ParseReply, ParseRequest } from './fileParseMessages';
import { checkpointTransfer } from '../engine/checkpoint';

self.onmessage = async (e: MessageEvent<ParseRequest>) => {
  const { kind, name, data, expect } = e.data;
  const file: PickedFile = {
    name,
    size: data.size,
    arrayBuffer: () => data.arrayBuffer(),
    text: () => data.text(),
  };
  let reply: ParseReply;
  try {
    reply = { ok: true, value: kind === 'tokens' ? await inlineFileParser.tokens(file, expect ?? {}) : await inlineFileParser.run(file) };
  } catch (err) {
    reply = { ok: false, name: err instanceof Error ? err.name : 'Error', message: err instanceof Error ? err.message : String(err) };
  }
  // A run file's checkpoint (from train.py) moves to the page rather than being copied.
  const checkpoint = reply.ok && 'checkpoint' in reply.value ? reply.value.checkpoint : null;
  self.postMessage(reply, { transfer: checkpoint ? checkpointTransfer(checkpoint) : [] });
};
