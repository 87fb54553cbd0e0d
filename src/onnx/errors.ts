// The one error class of the ONNX reader and converter: every refusal a user's file can cause.
// Its message names the file (when known) and what was wrong, so the page can show it as it is.
// Names from the file (nodes, values, tensors, attributes) can be any length: every quoted run is
// cut to QUOTE_CHARS and the whole message to MESSAGE_CHARS (../messageQuote.ts), so a refusal
// stays a short message whatever the file says.
import { clip, quote } from '../messageQuote';

const QUOTE_CHARS = 48;
const MESSAGE_CHARS = 280;
const LONG_QUOTED = new RegExp(`"([^"]{${QUOTE_CHARS + 1},})"`, 'g');

export function boundedMessage(message: string): string {
  return clip(message.replace(LONG_QUOTED, (_, text: string) => quote(text, QUOTE_CHARS)), MESSAGE_CHARS);
}

export class OnnxError extends Error {
  override readonly name = 'OnnxError';
  constructor(message: string) {
    super(boundedMessage(message));
  }
}

/** Refusal of an op or attribute: the op, the node's name and the model's opset, as the issue asks. */
export function unsupported(op: string, node: string, opset: number, what: string): OnnxError {
  return new OnnxError(`${clip(op, QUOTE_CHARS)} node "${node}" (opset ${opset}): ${what}`);
}
