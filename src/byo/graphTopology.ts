// A graph model's topology (a TF GraphDef in JSON) checked before tfjs loads it and before the
// loader's probe runs it on a zero input built from the declared input shape: the node count and
// every Placeholder's shape (limits in src/limits.ts). Pure: no tfjs.
import { LIMITS, limitText } from '../limits';
import { groupDigits } from '../messageNumbers';
import { ModelFileError } from './modelFiles';
import { clip } from '../messageQuote';
import { isRecord } from '../isRecord';

/** Channels a probe input may declare (a teacher needs 3; a few more leave room for a clear "not RGB" message later). */
const MAX_PROBE_CHANNELS = 64;

/** A Placeholder's declared shape: sizes (-1 for open), or null when the rank is unknown. */
function placeholderShape(node: Record<string, unknown>): (number | null)[] | null {
  const attr = isRecord(node.attr) ? node.attr : {};
  const shape = isRecord(attr.shape) && isRecord(attr.shape.shape) ? attr.shape.shape : null;
  if (!shape || shape.unknownRank === true || !Array.isArray(shape.dim)) return null;
  return shape.dim.map((d) => {
    const size = isRecord(d) ? Number(d.size ?? 0) : NaN;
    return Number.isFinite(size) && size >= 0 ? size : null;
  });
}

/**
 * Throws a ModelFileError naming `file` when a graph topology has more nodes than the limit or an
 * input whose probe would be larger than a teacher's input may be ([N,H,W,C] with H, W up to the
 * input-side limit). Inputs of unknown rank or open sides pass here; the loader probes those at 64.
 */
export function checkGraphTopology(file: string, topology: unknown): void {
  const nodes = isRecord(topology) && Array.isArray(topology.node) ? topology.node : null;
  if (!nodes) throw new ModelFileError(file, 'has a graph topology without a node list');
  if (nodes.length > LIMITS.modelLayers.value) {
    throw new ModelFileError(file, `has ${groupDigits(nodes.length)} graph nodes, over ${limitText('modelLayers')} on ${LIMITS.modelLayers.what}`);
  }
  for (const node of nodes) {
    if (!isRecord(node) || node.op !== 'Placeholder') continue;
    const shape = placeholderShape(node);
    if (shape) checkProbeShape(file, typeof node.name === 'string' ? node.name : '?', shape);
  }
}

/**
 * Throws a ModelFileError when an input of this shape (sizes, null or negative for open ones)
 * cannot be a teacher's image input of at most the input-side limit ([N,H,W,C], or [N,C,H,W] when
 * the last axis is wider than an image's channels): call it before making a probe tensor of the shape.
 */
export function checkProbeShape(file: string, input: string, shape: readonly (number | null)[]): void {
  const dims = shape.map((d) => (d === null || d < 0 ? null : d));
  // An input's rank is the file's to choose: at most 8 entries shown.
  const show = `[${dims.slice(0, 8).map((d) => d ?? 'N').join(',')}${dims.length > 8 ? `,…] (${dims.length} entries)` : ']'}`;
  const name = clip(input);
  if (dims.length !== 4) {
    throw new ModelFileError(file, `has an input "${name}" of shape ${show}, not an image batch [N,H,W,C]: a teacher takes images. Nothing was run`);
  }
  // Channels first ([N,3,H,W]) when the last axis is far wider than any image's channels.
  const nchw = dims[3] !== null && dims[3] > MAX_PROBE_CHANNELS && dims[1] !== null && dims[1] >= 1 && dims[1] <= 4;
  const [h, w, c] = nchw ? [dims[2], dims[3], dims[1]] : [dims[1], dims[2], dims[3]];
  const side = LIMITS.modelInputSide.value;
  if ((h !== null && h > side) || (w !== null && w > side)) {
    throw new ModelFileError(file, `takes ${h ?? '?'}×${w ?? '?'} images (input "${name}" ${show}), over ${limitText('modelInputSide')} on ${LIMITS.modelInputSide.what}. Nothing was run`);
  }
  if ((h !== null && h < 1) || (w !== null && w < 1)) throw new ModelFileError(file, `has an input "${name}" of shape ${show} with an empty side. Nothing was run`);
  if (c !== null && (c < 1 || c > MAX_PROBE_CHANNELS)) {
    throw new ModelFileError(file, `takes ${groupDigits(c)}-channel images (input "${name}" ${show}); the playground's images are RGB (3 channels). Nothing was run`);
  }
}
