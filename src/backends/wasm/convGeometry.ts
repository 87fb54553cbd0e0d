import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import type { KernelCalls } from './kernelCalls';

type Conv2DInfo = backend_util.Conv2DInfo;

/**
 * The NHWC input zero-padded (or cropped, where a valid convolution never reads its last rows)
 * to exactly the rows and columns the convolution's windows cover: (out − 1)·stride + kernel.
 */
export function windowedInput(k: KernelCalls, x: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { padInfo, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, inHeight, inWidth } = info;
  const rows = (outHeight - 1) * strideHeight + filterHeight;
  const cols = (outWidth - 1) * strideWidth + filterWidth;
  const bottom = rows - padInfo.top - inHeight;
  const right = cols - padInfo.left - inWidth;
  let out = x;
  if (bottom < 0 || right < 0) {
    out = k.run('Slice', { x }, { begin: [0, 0, 0, 0], size: [info.batchSize, inHeight + Math.min(0, bottom), inWidth + Math.min(0, right), x.shape[3]] });
  }
  if (padInfo.top > 0 || padInfo.left > 0 || bottom > 0 || right > 0) {
    out = k.pad(out, [[0, 0], [padInfo.top, Math.max(0, bottom)], [padInfo.left, Math.max(0, right)], [0, 0]]);
  }
  return out;
}

/** Refuses what the composite kernels do not implement (tfjs' own gradients refuse it too). */
export function assertNoDilation(kernelName: string, info: Conv2DInfo): void {
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new Error(`${kernelName} on wasm: dilation rates greater than 1 are not supported in gradients`);
  }
}

/** Rows (or columns) to add (positive) or crop (negative) at each end for a full convolution. */
function fullPadding(kernel: number, padBefore: number, spreadLength: number, inLength: number): [number, number] {
  const before = kernel - 1 - padBefore;
  return [before, inLength + kernel - 1 - before - spreadLength];
}

/**
 * dY made ready for the input gradient as a stride-1 "full" convolution with the filter turned by
 * 180°: spread by the stride (zeros between its rows and columns), then padded (or cropped, where
 * only zeros or rows no output reads lie) to inLength + kernel − 1 rows and columns.
 */
export function spreadForFullConvolution(k: KernelCalls, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { batchSize, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, inHeight, inWidth, padInfo } = info;
  const depth = dy.shape[3];
  let spread = dy;
  if (strideHeight > 1 || strideWidth > 1) {
    const cells = k.reshape(dy, [batchSize, outHeight, 1, outWidth, 1, depth]);
    const zeros = k.pad(cells, [[0, 0], [0, 0], [0, strideHeight - 1], [0, 0], [0, strideWidth - 1], [0, 0]]);
    spread = k.reshape(zeros, [batchSize, outHeight * strideHeight, outWidth * strideWidth, depth]);
  }
  const rows = fullPadding(filterHeight, padInfo.top, spread.shape[1], inHeight);
  const cols = fullPadding(filterWidth, padInfo.left, spread.shape[2], inWidth);
  const begin = [0, Math.max(0, -rows[0]), Math.max(0, -cols[0]), 0];
  const size = [batchSize, spread.shape[1] - begin[1] - Math.max(0, -rows[1]), spread.shape[2] - begin[2] - Math.max(0, -cols[1]), depth];
  if (size[1] !== spread.shape[1] || size[2] !== spread.shape[2]) spread = k.run('Slice', { x: spread }, { begin, size });
  if (rows[0] <= 0 && rows[1] <= 0 && cols[0] <= 0 && cols[1] <= 0) return spread;
  return k.pad(spread, [[0, 0], [Math.max(0, rows[0]), Math.max(0, rows[1])], [Math.max(0, cols[0]), Math.max(0, cols[1])], [0, 0]]);
}
