// The one error class of the ONNX reader and converter: every refusal a user's file can cause.
// Its message names the file (when known) and what was wrong, so the page can show it as it is.

export class OnnxError extends Error {
  override readonly name = 'OnnxError';
}

/** Refusal of an op or attribute: the op, the node's name and the model's opset, as the issue asks. */
export function unsupported(op: string, node: string, opset: number, what: string): OnnxError {
  return new OnnxError(`${op} node "${node}" (opset ${opset}): ${what}`);
}
