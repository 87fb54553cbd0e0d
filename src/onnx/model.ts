// An ONNX model as plain data: what the decoder keeps of a ModelProto and the converter reads.

/** A TensorProto: dims and data type, its data where the file holds it (nothing is converted yet). */
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dtype: number;
  readonly raw?: Uint8Array;
  readonly floats?: readonly number[];
  readonly ints?: readonly number[];
  readonly doubles?: readonly number[];
  /** Data in an external file, beside the model. */
  readonly external?: { readonly location: string; readonly offset: number; readonly length: number | null };
}

export type OnnxAttr =
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'tensor'; readonly value: OnnxTensor }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'strings'; readonly value: readonly string[] }
  /** A graph, sparse tensor or type attribute: the converter refuses the node that has it. */
  | { readonly type: 'other'; readonly code: number };

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, OnnxAttr>;
}

/** A graph input or output: its element type and shape (a string for a named dimension, null unknown). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly elemType: number;
  readonly shape: readonly (number | string | null)[] | null;
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
  /** Inputs that are not initialisers: what the model is fed. */
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly irVersion: number;
  /** The default (ai.onnx) domain's opset. */
  readonly opset: number;
  readonly producer: string;
  readonly graph: OnnxGraph;
  /** The decoded message, for the writer to encode again with new weights. */
  readonly proto: OnnxProtoMessage;
}

/** The decoded ModelProto as protobufjs gives it (plain fields, snake_case as in onnx.proto). */
export type OnnxProtoMessage = Record<string, unknown>;
